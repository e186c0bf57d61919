"""Run the committed expectation suites (``expectations/<file>.json``) with Great Expectations.

The suites in the repository are the reviewed source of truth. By default GX runs in memory (an
ephemeral context, each batch validated directly against its suite): nothing is written, nothing
piles up, and a validation costs a fraction of a file-backed run (no YAML config re-read for every
lookup, no stored checkpoints). Set ``STATUSRAPPORT_GX_DIR`` to a folder of your choice (for
example ``.gx_runtime/``, which is git-ignored) when you want GX's own files (context config,
stored suites, validation definitions, checkpoints) to look at; the findings are the same.

GX is imported here only, and quietly: no progress bars, no analytics, no log lines or warnings
in the analyst's terminal.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from statusrapport import contract
from statusrapport.validation.reading import LINE, TEXT_SUFFIX, Table
from statusrapport.validation.report import Check

RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "unexpected_index_column_names": [LINE],
    "partial_unexpected_count": 5,
}
#: Findings of files already validated in this process, by (file content, suite, parameters):
#: the same bytes against the same rules give the same findings, so a second validation of an
#: unchanged small file (tests, a notebook's fallback) skips GX.
_CACHE: dict[tuple[str, str, str], list[Check]] = {}
_PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
_COMPOUND = "expect_compound_columns_to_be_unique"


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence GX: its loggers, Python warnings and anything it prints."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    loggers = [logging.getLogger(n) for n in ("great_expectations", "py.warnings", "tzlocal")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def load_suite(path: Path) -> dict[str, Any]:
    """A suite as committed: GX's JSON form with Danish ``meta`` and ``notes``."""
    return json.loads(path.read_text(encoding="utf-8"))


def _for_gx(expectation: dict[str, Any]) -> dict[str, Any]:
    """The expectation as GX should run it: 'not empty' looks at the text as written.

    A value that is not a number is already reported once by the reader (as a type error); the
    not-null rule therefore reads the original text, so an unreadable value is not reported a
    second time as missing.
    """
    exp = json.loads(json.dumps(expectation))
    if exp["type"] == "expect_column_values_to_not_be_null":
        exp["kwargs"]["column"] = exp["kwargs"]["column"] + TEXT_SUFFIX
    return exp


@contextlib.contextmanager
def _context() -> Iterator[tuple[Any, Any, bool]]:
    """GX, a context and its pandas data source; in memory unless ``STATUSRAPPORT_GX_DIR`` is set.

    A fresh context per validation: the data source caches its execution engine (with the
    batches and their metrics), so a shared one would keep the last input folder in memory.
    Creating an ephemeral context costs a few milliseconds once GX is imported.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    keep = os.environ.get("STATUSRAPPORT_GX_DIR")
    context: Any
    if not keep:
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        with contextlib.suppress(Exception):
            context.variables.analytics_enabled = False
        yield gx, context.data_sources.add_pandas("inputdata"), False
        return
    root = Path(keep)
    root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    with contextlib.suppress(Exception):
        context.variables.analytics_enabled = False
    context.variables.save()
    yield gx, context.data_sources.add_or_update_pandas("inputdata"), True


def run_suites(
    tables: dict[str, Table], suites_dir: Path, parameters: dict[str, Any]
) -> list[Check]:
    """Validate every table against its suite; one finding per expectation."""
    findings: list[Check] = []
    suites = {}
    keys: dict[str, tuple[str, str, str]] = {}
    params_text = json.dumps(parameters, sort_keys=True, default=str)
    for name, table in tables.items():
        file_spec = contract.BY_NAME.get(name)
        path = suites_dir / f"{file_spec.suite_name if file_spec else name}.json"
        try:
            suites[name] = load_suite(path)
            suite_text = json.dumps(suites[name], sort_keys=True)
            if table.digest is not None:
                keys[name] = (table.digest, suite_text, params_text)
                if keys[name] in _CACHE:
                    findings += _CACHE[keys[name]]
                    del suites[name]
        except (OSError, ValueError) as error:
            findings.append(
                Check(
                    table.file,
                    None,
                    "suite",
                    f"intern fejl: regelsættet {path.name} kunne ikke læses ({error})",
                    "fejl",
                    False,
                )
            )
    if not suites:
        return findings
    with quiet(), _context() as (gx, source, stored):
        for name, spec in suites.items():
            table = tables[name]
            try:
                # named by the table: plans share a suite but each is its own asset
                result = _run_one(gx, source, stored, table, {**spec, "name": name}, parameters)
                findings += result
                if name in keys and not any("intern fejl" in f.description for f in result):
                    _CACHE[keys[name]] = result
            except Exception as error:
                findings.append(
                    Check(
                        table.file,
                        None,
                        "gx",
                        f"intern fejl i Great Expectations-kørslen "
                        f"({type(error).__name__}: {error})",
                        "fejl",
                        False,
                    )
                )
    return findings


def _run_one(
    gx: Any,
    source: Any,
    stored: bool,
    table: Table,
    spec: dict[str, Any],
    params: dict[str, Any],
) -> list[Check]:
    name = spec["name"]
    expectations = [_for_gx(e) for e in spec["expectations"]]
    suite = gx.ExpectationSuite(name=name, expectations=expectations, meta=spec.get("meta", {}))
    batch_definition = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    if stored:
        context = source.data_context
        suite = context.suites.add_or_update(suite)
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
        )
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=name, validation_definitions=[definition], result_format=RESULT_FORMAT
            )
        )
        run = checkpoint.run(
            batch_parameters={"dataframe": table.frame}, expectation_parameters=params
        )
        results = [r for v in run.run_results.values() for r in v.results]
    else:
        batch = batch_definition.get_batch(batch_parameters={"dataframe": table.frame})
        results = batch.validate(
            suite, result_format=RESULT_FORMAT, expectation_parameters=params
        ).results
    by_rule = {}
    for result in results:
        config = result.expectation_config
        by_rule[_key(config.type, config.kwargs, config.meta)] = result
    findings = []
    for original in spec["expectations"]:
        kwargs = _for_gx(original)["kwargs"]
        result = by_rule.get(_key(original["type"], kwargs, original.get("meta", {})))
        findings.append(_finding(table, original, result, params))
    return findings


def _key(kind: str, kwargs: dict[str, Any], meta: dict[str, Any]) -> tuple[str, str, str]:
    column = (
        kwargs.get("column") or kwargs.get("column_A") or ",".join(kwargs.get("column_list", []))
    )
    return (kind, str(column), str(meta.get("regel")))


def _column(expectation: dict[str, Any]) -> str | None:
    meta, kwargs = expectation.get("meta", {}), expectation["kwargs"]
    return meta.get("kolonne") or kwargs.get("column") or ", ".join(kwargs.get("column_list", []))


def describe(template: str, params: dict[str, Any]) -> str:
    """Fill ``{parameter}`` placeholders in a suite's Danish text from the run's parameters."""

    class _Values(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    shown = {k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in params.items()}
    return template.format_map(_Values(shown))


def _finding(
    table: Table, expectation: dict[str, Any], result: Any, params: dict[str, Any]
) -> Check:
    meta = expectation.get("meta", {})
    rule = meta.get("regel", expectation["type"])
    description = describe(meta.get("beskrivelse", rule), params)
    severity = meta.get("alvorlighed", "fejl")
    column = _column(expectation)
    hint = describe(meta["hjaelp"], params) if meta.get("hjaelp") else None
    if result is None or result.exception_info.get("raised_exception"):
        message = (result.exception_info.get("exception_message") if result else None) or "intet"
        return Check(
            table.file,
            column,
            rule,
            f"intern fejl i reglen {rule} ({description}): {message.splitlines()[0]}",
            "fejl",
            False,
        )
    detail = result.result or {}
    n_bad = int(detail.get("unexpected_count") or 0)
    if result.success or n_bad == 0:
        return Check(
            table.file,
            column,
            rule,
            description,
            severity,
            bool(result.success),
            n_bad,
            [],
            None if result.success else hint,
        )
    lines = [int(row[LINE]) for row in detail.get("partial_unexpected_index_list") or []]
    return Check(
        table.file,
        column,
        rule,
        description,
        severity,
        False,
        n_bad,
        _examples(table, expectation, lines),
        hint,
    )


def _examples(table: Table, expectation: dict[str, Any], lines: list[int]) -> list[tuple[int, str]]:
    """Examples as written in the file: 'linje 17 (12.5 > 10.0)'."""
    kwargs = expectation["kwargs"]
    if expectation["type"] == _PAIR:
        a = table.text_at(kwargs["column_A"], lines)
        b = table.text_at(kwargs["column_B"], lines)
        return [(ln, f"{vb} > {va}") for ln, va, vb in zip(lines, a, b, strict=True)]
    if expectation["type"] == _COMPOUND:
        parts = [table.text_at(c, lines) for c in kwargs["column_list"]]
        return [(ln, " / ".join(p[i] for p in parts)) for i, ln in enumerate(lines)]
    values = table.text_at(kwargs["column"], lines)
    return [(ln, _quote(v)) for ln, v in zip(lines, values, strict=True)]


def _quote(value: str) -> str:
    try:
        float(value)
    except ValueError:
        return value if value == "tom" else f'"{value}"'
    return value
