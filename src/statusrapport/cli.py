"""The command line: ``statusrapport demo-data | validate | run | deploy``.

Every expected failure ends in a short message on stderr and a documented exit code, never a
traceback (see :mod:`statusrapport.errors`). Heavy imports (Great Expectations, papermill) happen
inside the subcommands so that ``--help`` and usage errors answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from statusrapport import __version__, config, datafolder, planer
from statusrapport.errors import (
    DataError,
    ExitCode,
    StatusrapportError,
    UsageError,
    from_os_error,
)
from statusrapport.lifecycle import RunStopped

DATA_HELP = (
    "inputmappe (standard: den mappe, sitet er bygget fra; ellers data/raw eller "
    "STATUSRAPPORT_DATA)"
)


def _years(text: str) -> tuple[int, int]:
    """Parse '2019-2025' (or a single year) into an inclusive range."""
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
        else:
            first = last = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et årsinterval som 2019-2025") from None
    if not (1900 < first <= last < 2200):
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et gyldigt årsinterval")
    return first, last


def _year_span(text: str) -> tuple[int, int] | str:
    """``--years``: 'all' (every year the data covers) or a range such as '2019-2025'."""
    if text.strip().lower() in ("all", "alle"):
        return "all"
    return _years(text)


def _year(text: str) -> int:
    """A report year: four digits (``--year 0`` is a typing error, not "the latest year")."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et årstal som 2025") from None
    if not (1900 < value < 2200):
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et gyldigt rapportår (fx 2025)")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et heltal") from None
    if value < 1:
        raise argparse.ArgumentTypeError("skal være mindst 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="statusrapport",
        description="Statusrapport for botilbud: validér data, kør analyserne og byg rapporterne.",
        epilog=(
            "Exit-koder: 0 OK · 1 ugyldige inputdata · 2 forkert brug · 3 en notebook fejlede · "
            "4 rendering fejlede · 5 en anden kørsel er i gang · 6 røbende tal · 7 disken er "
            "fuld · 8 ingen skriveadgang · 9 inputfil må ikke læses · 10 maskinens ur går forkert "
            "· 11 anden fejl i styresystemet · 70 intern fejl · 130/143 stoppet (Ctrl-C/SIGTERM)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    demo = sub.add_parser("demo-data", help="skriv fiktive demodata (deterministiske)")
    demo.add_argument("--out", type=Path, default=config.RAW_DIR, help="mappe (standard: data/raw)")
    demo.add_argument("--seed", type=int, default=2025, help="frø; samme frø giver samme filer")
    demo.add_argument("--years", type=_years, default=(2019, 2025), help="fx 2019-2025")
    demo.add_argument(
        "--facilities", type=_positive_int, default=36, help="antal tilbud (standard: 36)"
    )
    demo.add_argument("--force", action="store_true", help="overskriv eksisterende CSV-filer")

    validate = sub.add_parser("validate", help="validér inputdata mod datakontrakten")
    validate.add_argument("--data", type=Path, default=None, help=DATA_HELP)
    validate.add_argument("--year", type=_year, default=None, help="rapportår (standard: seneste)")
    validate.add_argument(
        "--reports", type=Path, default=config.REPORTS_DIR, help=argparse.SUPPRESS
    )

    folder = sub.add_parser("datamappe", help="skriv den datamappe, sitet er bygget fra")
    folder.add_argument("--reports", type=Path, default=config.REPORTS_DIR, help=argparse.SUPPRESS)

    run = sub.add_parser("run", help="validér → kør notebooks → nøgletal → byg sitet")
    run.add_argument("--data", type=Path, default=None, help=DATA_HELP)
    run.add_argument(
        datafolder.NEW_DATA_FLAG,
        dest="new_data",
        action="store_true",
        help="byg sitet fra en anden datamappe end den, det er bygget fra (med --data)",
    )
    which = run.add_mutually_exclusive_group()
    which.add_argument("--year", type=_year, default=None, help="rapportår (standard: seneste)")
    which.add_argument(
        "--years",
        type=_year_span,
        default=None,
        help="flere år i én kørsel: fx 2019-2025 eller all (alle år med data); "
        "allerede publicerede tidligere år ændres ikke uden --force",
    )
    run.add_argument(
        "--jobs", type=_positive_int, default=os.cpu_count() or 1, help="parallelle kørsler"
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="kør alle notebooks igen (med --year ÅR: en bevidst rettelse af et tidligere år)",
    )
    run.add_argument("--quiet", action="store_true", help="kun advarsler og fejl (til cron)")
    run.add_argument(
        "--timeout", type=_positive_int, default=600, help="sekunder pr. notebook før den stoppes"
    )
    run.add_argument("--no-render", action="store_true", help="spring rendering af sitet over")
    run.add_argument(
        "--only",
        metavar="SIDE",
        default=None,
        help="kør kun denne side igen (fx sygefravaer eller tilbudsprofil) og byg sitet",
    )
    run.add_argument(
        "--tilbud", metavar="ID", default=None, help="med --only tilbudsprofil: kun dette tilbud"
    )
    run.add_argument("--reports", type=Path, default=config.REPORTS_DIR, help=argparse.SUPPRESS)
    run.add_argument("--site", type=Path, default=config.SITE_DIR, help=argparse.SUPPRESS)

    deploy = sub.add_parser(
        "deploy",
        help="kopiér det publicerede site som almindelige filer til webserverens mappe",
        description="Kopiér det publicerede site (_site) som almindelige filer til MAPPE: "
        "bygget ved siden af og skiftet ind i ét skridt, så den forrige kopi står, til den nye "
        "er på plads. Et mål som vært:sti kopieres med rsync. Afvises, mens en kørsel er i gang.",
    )
    deploy.add_argument("--to", required=True, metavar="MAPPE", help="målmappe eller vært:sti")
    deploy.add_argument(
        "--rsync", action="store_true", help="brug rsync også til en lokal mappe (fx et share)"
    )
    deploy.add_argument("--site", type=Path, default=config.SITE_DIR, help=argparse.SUPPRESS)
    deploy.add_argument("--reports", type=Path, default=config.REPORTS_DIR, help=argparse.SUPPRESS)
    return parser


def _require_data_dir(path: Path) -> None:
    if not path.is_dir():
        raise DataError(
            f"Datamappen {path} findes ikke. Læg inputfilerne dér (se data/raw/README.md), "
            "eller lav fiktive demodata med: statusrapport demo-data"
        )


def cmd_demo_data(args: argparse.Namespace) -> int:
    from statusrapport import demo

    existing = sorted(args.out.glob("*.csv")) if args.out.is_dir() else []
    if existing and not args.force:
        raise UsageError(
            f"{args.out} indeholder allerede CSV-filer ({', '.join(p.name for p in existing)}). "
            "Brug --force for at overskrive dem med demodata."
        )
    paths = demo.write_demo_data(
        args.out, seed=args.seed, years=args.years, n_facilities=args.facilities
    )
    print(f"Skrev {len(paths)} filer med fiktive demodata til {args.out} (frø {args.seed}).")
    for plan in planer.PLANER:
        reason = demo.plan_basis(plan)
        if reason:
            print(reason)
    return ExitCode.OK


def cmd_validate(args: argparse.Namespace) -> int:
    # validation only reads: another folder than the site's is fine, and said
    args.data = datafolder.choose(args.reports, datafolder.requested_folder(args.data), True)
    _require_data_dir(args.data)
    from statusrapport import validation

    report = validation.validate(args.data, year=args.year)
    if report.ok:
        print(report.summary_text())
        return ExitCode.OK
    print(report.summary_text(), file=sys.stderr)
    return ExitCode.INVALID_DATA


def cmd_datamappe(args: argparse.Namespace) -> int:
    print(datafolder.choose(args.reports, datafolder.requested_folder(None)))
    return ExitCode.OK


def cmd_run(args: argparse.Namespace) -> int:
    from statusrapport import lifecycle, pipeline

    # one data folder per published site: the site's unless --data … --ny-data says otherwise
    requested = datafolder.requested_folder(args.data)
    if requested is not None:
        _require_data_dir(requested)
    only = pipeline.check_only(args.only, args.tilbud)
    args.data = datafolder.choose(args.reports, requested, args.new_data)
    _require_data_dir(args.data)
    with lifecycle.stop_on_signals():  # SIGTERM/SIGINT → RunStopped → clean stop, 143/130
        return pipeline.run(
            data_dir=args.data,
            year=args.year,
            jobs=args.jobs,
            force=args.force,
            quiet=args.quiet,
            timeout=args.timeout,
            render=not args.no_render,
            reports_dir=args.reports,
            site_dir=args.site,
            only=only,
            years=args.years,
        )


def cmd_deploy(args: argparse.Namespace) -> int:
    from statusrapport import deploy

    # the run's lock (next to reports/): no deploy while a run publishes, and no run meanwhile
    lock_path = args.reports.resolve().parent / ".build" / "run.lock"
    done = deploy.deploy(args.site, args.to, lock_path=lock_path, rsync=args.rsync)
    how = (
        "med rsync" if done.method == "rsync" else "(bygget ved siden af, skiftet ind i ét skridt)"
    )
    print(f"Kopierede {done.files} filer fra {done.source} til {done.target} {how}.")
    return ExitCode.OK


COMMANDS = {
    "demo-data": cmd_demo_data,
    "validate": cmd_validate,
    "datamappe": cmd_datamappe,
    "run": cmd_run,
    "deploy": cmd_deploy,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors and 0 on --help
        return int(exit_.code or 0)
    try:
        planer.check()  # a broken planer.toml: its message, not a KeyError later
        return int(COMMANDS[args.command](args))
    except StatusrapportError as error:
        print(f"statusrapport: {error}", file=sys.stderr)
        return int(error.exit_code)
    except RunStopped as stop:
        print(f"statusrapport: {stop.message()}", file=sys.stderr)
        return stop.exit_code
    except KeyboardInterrupt:
        print("statusrapport: afbrudt.", file=sys.stderr)
        return 130
    except OSError as error:  # the machine, not the code: disk, permissions, file systems
        fault = from_os_error(error, f"kommandoen {args.command}")
        print(f"statusrapport: {fault}", file=sys.stderr)
        return int(fault.exit_code)
    except Exception as error:  # a bug, not bad input: one clear line, details on request
        if os.environ.get("STATUSRAPPORT_DEBUG"):
            raise
        print(
            f"statusrapport: intern fejl ({type(error).__name__}: {error}). Intet er publiceret. "
            "Kør igen med STATUSRAPPORT_DEBUG=1 for detaljer, og meld fejlen til udviklerne.",
            file=sys.stderr,
        )
        return int(ExitCode.INTERNAL)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
