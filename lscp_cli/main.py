"""The ``lscp`` command line. Each sub-command imports its module lazily so that
``lscp --help`` and ``lscp serve`` never pay for Great Expectations' import."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from lscp_core.errors import UserError

BROKEN_PIPE_STATUS = 141  # what a shell reports for a command ended by SIGPIPE


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _step(text: str) -> tuple[dt.date, float]:
    when, sep, points = text.partition(":")
    try:
        if not sep:
            raise ValueError
        return dt.date.fromisoformat(when), float(points)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not YYYY-MM-DD:POINTS (e.g. 2025-06-01:5)") from None


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text + "-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (use YYYY-MM)") from None


def _role(text: str) -> str:
    """A role the dashboard knows (lscp_core.viewer): viewer, analyst, board, champion:AGENCY."""
    from lscp_core.viewer import Viewer

    viewer = Viewer.parse(text)
    if viewer is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a role (use viewer, analyst, board or champion:AGENCY, "
            "e.g. champion:POL)")
    return viewer.role


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lscp",
        description="Neglect-strategy performance dashboard for a Local Safeguarding "
        "Children Partnership: validate agency extracts, compute the indicators, publish "
        "a DuckDB database and serve the dashboard.",
    )
    parser.add_argument("--config", help="settings file (default: $LSCP_CONFIG or ./lscp.toml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "generate",
        help="write a synthetic (fictional) partnership's extracts and seeds",
        description="Write a synthetic, fictional partnership: every extract into DIR/inbox "
        "and the matching reference files into DIR/seeds. Deterministic for a seed.",
    )
    p.add_argument("--out", required=True, type=Path, help="folder to write into")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--children", type=_positive_int, default=60_000,
                   help="children aged 0-17 in the partnership (default 60000)")
    p.add_argument("--years", type=_positive_int, default=5,
                   help="years of history, 1-20 (default 5); children are born up to 17 "
                        "years before it starts")
    p.add_argument("--end-date", type=_date, default=None,
                   help="last day of the data (default: end of last month)")
    p.add_argument("--faults", action="store_true",
                   help="add realistic bad rows and bad files to test validation")
    p.add_argument("--format", dest="fmt", choices=("csv", "census", "ssd"), default="csv",
                   help="csv: lscp's own extracts (default); census: the social-care extracts "
                        "as DfE CIN census XML and the SSDA903 return; ssd: as Standard "
                        "Safeguarding Dataset tables (the other extracts stay CSV)")
    p.add_argument("--councils", type=_positive_int, default=1,
                   help="councils in the partnership (default 1; 2: two fictional councils, "
                        "991 and 992, each with its census XML and CSV extracts; set "
                        "la_code = [\"991\", \"992\"] in lscp.toml to run it)")
    p.add_argument("--steady", action="store_true",
                   help="no trends and no seasons: every month from the same rates (on such a "
                        "partnership SPC signals are false alarms)")
    p.add_argument("--nfa-step", type=_step, default=None, metavar="YYYY-MM-DD:POINTS",
                   help="inject a step change: from that date referrals end in no further "
                        "action POINTS percentage points more often (e.g. 2025-06-01:5)")

    p = sub.add_parser(
        "run",
        help="ingest, validate, compute every indicator and publish the database",
        description="Ingest the inbox, validate it against the data contracts, compute every "
        "indicator and publish FILE atomically. Exit 0 when a database was published (even "
        "with quarantined rows), non-zero when nothing could be published.",
    )
    p.add_argument("--inbox", type=Path, help="folder of agency extracts")
    p.add_argument("--db", type=Path, help="published DuckDB file")
    p.add_argument("--seeds", type=Path, help="reference files (default: the demo seeds)")
    p.add_argument("--as-at", type=_date, default=None,
                   help="last date to compute for (default: newest date in the data)")
    p.add_argument("--quiet", action="store_true", help="print only the summary")

    p = sub.add_parser(
        "validate",
        help="check the extracts against the data contracts; loads nothing",
        description="Check every extract in the inbox (and the seeds) against the data "
        "contracts and print the report. Loads nothing. Exit 1 when a file-level failure "
        "was found.",
    )
    p.add_argument("--inbox", type=Path,
                   help="folder of agency extracts (default: inbox in lscp.toml)")
    p.add_argument("--seeds", type=Path, help="reference files (default: the demo seeds)")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser(
        "export",
        help="write indicator_values as CSV (suppressed unless --unsuppressed)",
        description="Write the published indicator_values as CSV. Suppressed cells read 'c' "
        "unless --unsuppressed. Cells are safe to open in Excel.",
    )
    p.add_argument("--db", type=Path, required=True, help="published DuckDB file")
    p.add_argument("--out", type=Path, required=True, help="CSV file to write")
    p.add_argument("--unsuppressed", action="store_true",
                   help="write unsuppressed figures (analysts only; never publish these)")

    p = sub.add_parser(
        "template",
        help="write the Excel template for the manual measures (audits, surveys, training)",
        description="Write the manual_measures template (.xlsx) with dropdowns of the "
        "declared measures, agencies and localities of a seeds folder, for agencies to fill "
        "and drop in the inbox.",
    )
    p.add_argument("--out", type=Path, required=True, help=".xlsx file to write")
    p.add_argument("--seeds", type=Path, help="reference files (default: the settings' or the demo's)")

    p = sub.add_parser(
        "audit",
        help="print who saw unsuppressed figures (the audit log beside the database)",
        description="Print the audit log: every unsuppressed page view, CSV download, board "
        "pack and `lscp export --unsuppressed` by anyone but a restricted viewer, oldest "
        "first, tab-separated (time, user, role, action, page, indicator, month).",
    )
    p.add_argument("--db", type=Path, help="published DuckDB file (default: db in lscp.toml)")
    p.add_argument("--since", type=_date, help="only entries on or after DATE (YYYY-MM-DD, UTC)")

    p = sub.add_parser(
        "pack",
        help="write the board pack for a month as PDF (or HTML by extension)",
        description="Write the board pack for a month from a published database: PDF when "
        "--out ends in .pdf, HTML when it ends in .html. Suppressed (as a restricted viewer "
        "sees it) unless --unsuppressed or --board. Every pack made is also kept beside the database "
        "(<db>.packs/, with an index).",
    )
    p.add_argument("--db", type=Path, help="published DuckDB file (default: db in lscp.toml)")
    p.add_argument("--month", required=True, type=_month, help="data month, YYYY-MM")
    p.add_argument("--out", required=True, type=Path, help="file to write (.pdf or .html)")
    p.add_argument("--strategy", help="one strategy's measures only (default: all)")
    p.add_argument("--unsuppressed", action="store_true",
                   help="analysts' figures, small numbers shown (recorded in the audit log)")
    p.add_argument("--board", action="store_true",
                   help="the board's pack: every figure unsuppressed, marked "
                        "OFFICIAL-SENSITIVE on every page (recorded in the audit log)")

    p = sub.add_parser(
        "serve",
        help="serve the dashboard over a published database",
        description="Serve the Streamlit dashboard over a published database (read-only).",
    )
    p.add_argument("--db", type=Path, help="published DuckDB file")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--host", default="localhost")

    p = sub.add_parser(
        "demo",
        help="generate the demo partnership, run the pipeline and serve the dashboard",
        description="Generate the synthetic demo partnership into a work folder, run the "
        "pipeline and serve the dashboard on http://localhost:8501.",
    )
    p.add_argument("--work", type=Path, default=Path("demo-work"), help="work folder")
    p.add_argument("--children", type=_positive_int, default=60_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-serve", action="store_true", help="build only, do not serve")
    p.add_argument("--role", type=_role, default=None,
                   help="see the dashboard as viewer (the default: suppressed figures), "
                        "analyst, board or champion:AGENCY (e.g. champion:POL)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--host", default="localhost")

    p = sub.add_parser(
        "schedule",
        help="run the pipeline on a schedule and/or when new files arrive",
        description="Run `lscp run` on a cron schedule or every interval, and with "
        "--on-new-files whenever a new extract (new SHA-256) lands in the inbox.",
    )
    p.add_argument("--inbox", type=Path, help="folder of agency extracts")
    p.add_argument("--db", type=Path, help="published DuckDB file")
    p.add_argument("--seeds", type=Path, help="reference files")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--cron", help='cron expression, e.g. "30 2 * * *"')
    when.add_argument("--every", help="interval such as 15m, 2h, 30s")
    p.add_argument("--on-new-files", action="store_true",
                   help="also run when a new extract arrives (checked every --poll)")
    p.add_argument("--poll", default="10s", help="how often to look at the inbox (default 10s)")
    p.add_argument("--max-runs", type=int, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. A reader that closes the pipe early (``lscp audit | head``) ends the
    command quietly: stdout is pointed at devnull so the interpreter's final flush cannot fail
    again, and the exit status is that of a command stopped by SIGPIPE (128 + 13)."""
    from lscp_core.private import close_new_files

    close_new_files()  # every file lscp (and the scheduler, Streamlit it starts) writes: 0600
    try:
        try:
            return _main(argv)
        finally:  # inside the try, after --help's SystemExit too: the last buffered lines
            sys.stdout.flush()  # may meet the closed pipe
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # no real file behind stdout (e.g. captured in tests)
            pass
        return BROKEN_PIPE_STATUS


def _main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        from lscp_core.settings import load_settings

        settings = load_settings(args.config)
        from lscp_cli import commands

        return int(getattr(commands, f"cmd_{args.command}")(args, settings) or 0)
    except UserError as exc:
        print(f"lscp {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"lscp {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
