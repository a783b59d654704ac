"""What a delivery's readers counted, and how the load report tells it.

A statutory return's rows are episodes (SSDA903, SSD): the readers count them in an
``Account`` (readers/ssda903.py) — episodes read and superseded, periods of care formed,
ISO dates and NULL cells read leniently — which the archive keeps as JSON beside the file
in force. Here the accounts of a delivery's parts are added up, and a load-report row's
rows read / loaded and its account of episodes are worked out from one.
"""

from __future__ import annotations

from pipelines.ingest.readers.parts import Source
from pipelines.ingest.readers.ssda903 import Account


def add_up(own_parts, others: list[Source], extract: str) -> Account:
    """What the delivery's readers counted: the own files' ISO dates and NULL cells, and
    the statutory readers' accounts (SSDA903 / SSD episodes) added up."""
    total = Account()
    for p in own_parts:
        if p.raw is not None:
            total.iso_dates += p.raw.iso_dates
            total.null_cells += p.raw.null_cells
    for source in others:
        account = source.accounts.get(extract)
        if account is None:
            continue
        for name in ("rows", "superseded", "periods", "not_starts", "iso_dates", "null_cells"):
            setattr(total, name, getattr(total, name) + getattr(account, name))
        for rule, n in account.quarantined.items():
            total.quarantined[rule] = total.quarantined.get(rule, 0) + n
        total.episodes = total.episodes or account.episodes
    return total


def report_counts(con, run_id: str, extract: str, account: Account, loaded: int,
                  quarantined: int) -> tuple[int, int, str | None]:
    """(rows read, rows loaded, account of episodes or None) of an extract in force, from
    its rows in ``src_<extract>`` (``loaded``) and this run's quarantine."""
    # rows read: the files' data rows (the superseded copies counted, not hidden)
    read = loaded + quarantined + account.superseded + account.superseded_by_source
    if not account.episodes:
        return read, loaded, None
    # rows are episodes: read = in a period + quarantined + superseded
    explained = episodes_message(con, run_id, extract, account, loaded, quarantined)
    return account.rows, account.rows - quarantined - account.superseded, explained


def episodes_message(con, run_id: str, extract: str, account: Account, periods: int,
                     quarantined: int) -> str:
    """The load report's account of episodes collapsed into periods of care."""
    rules = con.execute(
        "select rule, count(*) n from quarantine where run_id = ? and extract = ? "
        "group by 1 order by n desc, rule", [run_id, extract]).fetchall()
    by_rule = ", ".join(f"{n:,} for {rule}" for rule, n in rules)
    superseded = (f"; {account.superseded:,} superseded by a newer year's copy"
                  if account.superseded else "")
    if periods == 0:
        return (f"no period of care formed: {quarantined:,} episodes quarantined"
                + (f", {by_rule}" if by_rule else "") + superseded)
    in_periods = account.rows - quarantined - account.superseded
    not_starts = con.execute(
        f"select count(*) from src_{extract} where not starts_care").fetchall()[0][0]
    return (f"{account.rows:,} episodes: {in_periods:,} in {periods:,} periods of care"
            + (f" ({not_starts:,} not a start of care: the child's first episode in the "
               "return is not S)" if not_starts else "")
            + f"; {quarantined:,} quarantined" + (f" ({by_rule})" if by_rule else "")
            + superseded)
