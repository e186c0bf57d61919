"""``statusrapport run``: validate → execute notebooks → key figures → render → publish.

Made for schedulers: one run at a time (lock, exit 5), nothing published unless every step
succeeded (staging + atomic swap), a notebook is executed again only when something it depends
on changed (content hashes), and each run leaves one JSON line in ``reports/runs.jsonl``.

The package, in the order a run uses it (no module imports a later one):

- :mod:`.keys` — fingerprints of code, site and inputs; task keys; the published manifest;
- :mod:`.tasks` — the year's tasks (every notebook with its parameters and front matter);
- :mod:`.runlog` — the Danish progress lines (standard :mod:`logging`) and ``runs.jsonl``;
- :mod:`.only` — ``--only``/``--tilbud``: one page while editing it;
- :mod:`.years` — the run's options (frozen) and one :class:`~.years.YearRun` per report year;
- :mod:`.steps` — check, validate, stage, execute, audit, render, publish;
- :mod:`.runner` — :func:`run`, the steps in order under one lock.
"""

from __future__ import annotations

from statusrapport.pipeline.only import Only, check_only
from statusrapport.pipeline.runner import run

__all__ = ["Only", "check_only", "run"]
