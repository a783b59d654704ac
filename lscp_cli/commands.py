"""What each ``lscp`` sub-command does: argument checks, then a call into its module."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lscp_core import audit
from lscp_core.errors import UserError
from lscp_core.settings import DEFAULT_SEEDS, Settings, create_key_file, packs_at_publish

# The demo partnership's history: seven years, so that a restricted viewer's quarterly
# series has more than the 15 quarters a verdict needs (five years publish 49 month ends,
# 15 complete quarters: one confidential quarter and a measure judged on quarters had none).
DEMO_YEARS = 7


def _need(value, flag: str, setting: str):
    if value is None:
        raise UserError(f"{flag} is required (or set {setting} in lscp.toml)")
    return value


def _existing_dir(path: Path, what: str) -> Path:
    if not path.exists():
        raise UserError(f"{what} {path} does not exist")
    if not path.is_dir():
        raise UserError(f"{what} {path} is not a folder")
    return path


def _existing_db(path: Path) -> Path:
    if not path.is_file():
        raise UserError(f"database {path} does not exist (run `lscp run` first)")
    return path


def cmd_generate(args, settings: Settings) -> int:
    from pipelines.synthetic import generate

    summary = generate(
        out=args.out,
        seed=args.seed,
        children=args.children,
        years=args.years,
        faults=args.faults,
        end_date=args.end_date,
        steady=args.steady,
        nfa_step=args.nfa_step,
        fmt=getattr(args, "fmt", "csv"),
        councils=getattr(args, "councils", 1),
    )
    print(summary)
    return 0


def cmd_run(args, settings: Settings) -> int:
    # The inbox and seeds are checked inside run_pipeline, so that a scheduled run whose
    # inbox share went missing is recorded in the run history.
    inbox = Path(_need(args.inbox or settings.inbox, "--inbox", "inbox"))
    db = Path(_need(args.db or settings.db, "--db", "db"))
    seeds = Path(args.seeds or settings.seeds or DEFAULT_SEEDS)
    packs = packs_at_publish(settings)  # a wrong $LSCP_PACKS_AT_PUBLISH stops before the run
    from pipelines.run import run_pipeline

    try:
        result = run_pipeline(
            inbox=inbox, db=db, seeds=seeds, as_at=args.as_at, settings=settings,
            progress=None if args.quiet else sys.stderr,
        )
    finally:  # this process validates nothing more: its GX worker goes now, not at exit
        gx_worker = sys.modules.get("pipelines.ingest.gx_worker")  # (started by an ingest)
        if gx_worker is not None:
            gx_worker.stop()
    print(result.summary())
    _packs_at_publish(db, args, packs, progress=None if args.quiet else sys.stderr)
    return 0


def _packs_at_publish(db: Path, args, wanted: bool, progress) -> None:
    """The newest month's board packs after a publish, unless ``[packs] at_publish`` (or
    $LSCP_PACKS_AT_PUBLISH) turns them off."""
    if not wanted:
        if progress is not None:
            print("[pack] not built after publishing ([packs] at_publish is off); the "
                  "dashboard builds a pack when asked", file=progress, flush=True)
        return
    from lscp_cli.pack import build_published_packs

    build_published_packs(db, getattr(args, "config", None), progress=progress)


def cmd_validate(args, settings: Settings) -> int:
    inbox = _existing_dir(Path(_need(args.inbox or settings.inbox, "--inbox", "inbox")), "inbox")
    seeds = _existing_dir(args.seeds or settings.seeds or DEFAULT_SEEDS, "seeds folder")
    from pipelines.ingest.validate import validate_command

    return validate_command(inbox=inbox, seeds=seeds, fmt=args.format,
                            la_code=settings.councils)


def cmd_export(args, settings: Settings) -> int:
    db = _existing_db(args.db)
    from pipelines.export import export_csv

    if args.unsuppressed:  # recorded before the figures are written, like a page view
        audit.record(audit.audit_path(db, settings), user=_os_user(), role="command line",
                     action="export_unsuppressed", page="lscp export", indicator=str(args.out))
    rows = export_csv(db, args.out, unsuppressed=args.unsuppressed)
    kind = "unsuppressed" if args.unsuppressed else "suppressed"
    print(f"wrote {rows} rows ({kind}) to {args.out}")
    return 0


def cmd_template(args, settings: Settings) -> int:
    from pipelines.export import template_from_seeds

    seeds = _existing_dir(args.seeds or settings.seeds or DEFAULT_SEEDS, "seeds folder")
    if not (seeds / "manual_measures.csv").is_file():
        raise UserError(f"{seeds} has no manual_measures.csv: declare the measures first")
    if args.out.suffix.lower() != ".xlsx":
        raise UserError(f"{args.out} must end in .xlsx")
    try:
        args.out.write_bytes(template_from_seeds(seeds))
    except OSError as exc:
        raise UserError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"wrote the manual measures template to {args.out}")
    return 0


def _os_user() -> str:
    """The OS account running the command, for the audit log: from the user database, not
    ``$USER``/``$LOGNAME`` (which anyone can set; ``getpass.getuser`` reads them first)."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid {os.getuid()}"


def cmd_audit(args, settings: Settings) -> int:
    """Print who saw unsuppressed figures since a date, oldest first, tab-separated."""
    db = Path(args.db or settings.db or "")
    if not str(args.db or settings.db or ""):
        raise UserError("give --db FILE (or db in lscp.toml): the audit log lives beside it")
    entries = audit.read(audit.audit_path(db, settings), since=args.since)
    print("\t".join(audit.FIELDS))
    for e in entries:
        print("\t".join("" if e[k] is None else str(e[k]).replace("\t", " ") for k in audit.FIELDS))
    return 0


def cmd_pack(args, settings: Settings) -> int:
    """The board pack for a month, from the same HTML as the dashboard's, kept beside the db."""
    db = _existing_db(Path(_need(args.db or settings.db, "--db", "db")))
    kind = args.out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "html"):
        raise UserError(f"--out {args.out} must end in .pdf or .html")
    if not args.out.parent.is_dir():
        raise UserError(f"folder {args.out.parent} does not exist")
    from lscp_cli import pack

    role = "board" if getattr(args, "board", False) else \
        "analyst" if args.unsuppressed else "viewer"
    who = _os_user()
    if role != "viewer":  # recorded before the figures are written, like a page view
        audit.record(audit.audit_path(db, settings), user=who, role="command line",
                     action="board_pack", page="lscp pack", indicator=args.strategy
                     or "all strategies", month=args.month.strftime("%Y-%m"))
    kept = pack.write_pack(db, args.month, args.out, role=role, who=who,
                                  strategy=args.strategy, config=settings.config_file)
    print(f"wrote the board pack for {args.month:%B %Y} to {args.out}; kept as {kept}")
    return 0


def cmd_serve(args, settings: Settings) -> int:
    from lscp_cli.serve import serve

    db = _existing_db(Path(_need(args.db or settings.db, "--db", "db")))
    return serve(db=db, port=args.port, host=args.host, config=settings.config_file)


def cmd_demo(args, settings: Settings) -> int:
    import os

    from pipelines.run import run_pipeline
    from pipelines.synthetic import generate

    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    key_file = create_key_file(work / "lscp.key")
    if not os.environ.get("LSCP_KEY"):
        os.environ["LSCP_KEY_FILE"] = str(key_file)
    partnership = work / "partnership"
    if not (partnership / "inbox").is_dir():
        print(f"generating the demo partnership ({args.children:,} children) in {partnership}",
              file=sys.stderr)
        print(generate(out=partnership, seed=args.seed, children=args.children, years=DEMO_YEARS,
                       faults=False, end_date=None))
    _known_champion(getattr(args, "role", None), partnership / "seeds" / "agencies.csv")
    db = work / "lscp.duckdb"
    packs = packs_at_publish(settings)
    result = run_pipeline(inbox=partnership / "inbox", db=db, seeds=partnership / "seeds",
                          as_at=None, settings=settings, progress=sys.stderr)
    print(result.summary())
    _packs_at_publish(db, args, packs, progress=sys.stderr)
    if args.no_serve:
        return 0
    from lscp_cli.serve import serve

    return serve(db=db, port=args.port, host=args.host, config=settings.config_file,
                 role=getattr(args, "role", None))


def _known_champion(role: str | None, agencies: Path) -> None:
    """``--role champion:AGENCY`` names one of the partnership's agencies (before the run)."""
    if not role or not role.startswith("champion:") or not agencies.is_file():
        return
    import csv

    with agencies.open(encoding="utf-8-sig", newline="") as f:
        codes = [r.get("agency_code", "") for r in csv.DictReader(f)]
    if role.split(":", 1)[1] not in codes:
        raise UserError(f"--role {role}: no such agency in {agencies} (agencies: "
                        f"{', '.join(codes)}); e.g. --role champion:{codes[0] if codes else 'POLICE'}")


def cmd_schedule(args, settings: Settings) -> int:
    from pipelines.schedule import schedule_command

    return schedule_command(args, settings)
