"""The generator's steps in order: people, early help, social care, neglect tools,
education; then the extract files, the seeds and (with faults) the fault manifest."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa

from data_contracts.schema import SEED_TABLES
from lscp_core.settings import DEFAULT_SEEDS
from pipelines.synthetic import csc as csc_model
from pipelines.synthetic import early_help as eh_model
from pipelines.synthetic import education, faults, journey, manual, reference, tables, writers
from pipelines.synthetic.population import make_persons
from pipelines.synthetic.timeline import Window, day, terms

OWN_SEEDS = ("localities", "postcode_localities", "population", "agencies", "bank_holidays",
             "councils")
WORKERS = ("Zoë Brontë", "Renée Lefèvre", "Chloë Adams", "José Martín", "Amelia Hart",
           "Noël Côté", "Sam Patel", "Mary O'Neill")
NOTES = ("£25 food voucher", "£40 travel grant", "", "uniform (£15)", "")


def write_seeds(seeds_dir: Path, children: int, window: Window) -> None:
    """Reference files matching the generated partnership; the others copied from the repo."""
    for src in sorted(Path(DEFAULT_SEEDS).glob("*.csv")):
        if src.stem not in OWN_SEEDS:
            shutil.copyfile(src, seeds_dir / src.name)
    cols = {name: [c for c, _t in columns] for name, columns in SEED_TABLES.items()}
    # one council: no la_code column (the file as it always was)
    cols["localities"] = [c for c in cols["localities"] if c != "la_code"]
    writers.write_rows(reference.locality_rows(), cols["localities"], seeds_dir / "localities.csv")
    writers.write_rows(reference.postcode_locality_rows(), cols["postcode_localities"],
                       seeds_dir / "postcode_localities.csv")
    writers.write_rows(reference.agency_rows(), cols["agencies"], seeds_dir / "agencies.csv")
    writers.write_rows(reference.population_rows(children, window.calendar_years, window.end.year),
                       cols["population"], seeds_dir / "population.csv")
    writers.write_rows(reference.bank_holiday_rows(window.start.year, window.end.year + 1),
                       cols["bank_holidays"], seeds_dir / "bank_holidays.csv")


def streams(seed: int, n: int) -> list[np.random.Generator]:
    """Independent random streams, one per step, so that changing one step leaves the
    others' draws alone."""
    return [np.random.Generator(np.random.PCG64(s))
            for s in np.random.SeedSequence(seed).spawn(n)]


def model(seed: int, children: int, window: Window, say) -> dict[str, pa.Table]:
    """Draw the partnership and return its extracts as text tables."""
    streams_ = streams(seed, 8)
    persons = make_persons(streams_[0], children, window)
    say(f"{len(persons):,} people")
    holidays = np.array([day(d) for d, _n in reference.bank_holidays(window.start.year - 1,
                                                                      window.end.year + 2)],
                        dtype=np.int64).astype("datetime64[D]")
    partner = eh_model.partner_episodes(streams_[1], persons, children, window)
    step_up = eh_model.step_ups(streams_[1], persons, window, partner)
    csc = csc_model.make_csc(streams_[2], persons, children, window, holidays, step_up)
    episodes = eh_model.with_step_downs(streams_[1], persons, window, partner, csc.step_downs)
    say(f"{len(csc.referrals.person):,} referrals, {len(episodes.person):,} early help episodes")
    a = csc.assessments
    neglect_assessed = (np.char.find(a.factors.astype(str), "16A") >= 0) & (
        streams_[3].random(len(a.start)) < 0.35)
    tools = eh_model.neglect_tools(streams_[3], persons, window, episodes,
                                   csc.referrals.person[a.referral[neglect_assessed]],
                                   a.start[neglect_assessed])
    school_terms = terms(window)
    tyo = education.two_year_olds(streams_[4], persons, window, school_terms)
    att = education.attendance(streams_[5], persons, window, school_terms, episodes)
    say(f"{len(att.person):,} attendance rows")

    ids = tables.person_ids(persons)
    known = np.unique(np.concatenate([csc.referrals.person, episodes.person, tools.person,
                                      csc.cp.person, csc.cin.person, csc.care.person]))
    t = streams_[6]
    first_referral = np.full(len(persons), np.iinfo(np.int64).max)
    np.minimum.at(first_referral, csc.referrals.person, csc.referrals.date)
    out = {
        "children": tables.children(t, persons, ids, known, window, first_referral),
        "referrals": tables.referrals(t, csc, ids),
        "assessments": tables.assessments(t, csc, ids),
        "cin_plans": tables.cin_plans(t, csc, ids),
        "cp_plans": tables.cp_plans(t, csc, ids),
        "looked_after": tables.looked_after(t, csc, ids),
        "early_help": tables.early_help(t, episodes, persons, ids),
        "neglect_tools": tables.neglect_tools(t, tools, persons, ids),
        "two_year_olds": tables.two_year_olds(t, tyo, persons, ids),
        "attendance": tables.attendance(att, ids),
    }
    # the child's journey (contacts, enquiries and conferences, reviews, health, police,
    # missing) from its own stream, so the extracts above are drawn exactly as before
    out.update(journey.make_journey(streams(seed, 12)[11], persons, window, csc, episodes, ids,
                                    holidays))
    say("tables built")
    return out


LA_CODE = "800"  # the fictional Northshire's local-authority code (census Header/Source/LEA)


def agency_part_names(stamp: str) -> dict[str, str]:
    """The extracts an agency sends as its own part (``<extract>_<AGENCY>_<anything>``):
    the health provider's appointments and the police's notifications."""
    return {"health_appointments": f"health_appointments_{journey.HEALTH_AGENCY}_{stamp}.csv",
            "police_notifications": f"police_notifications_POLICE_{stamp}.csv"}


def write_partnership(seed: int, out: Path, children: int, window: Window, with_faults: bool,
                      say, fmt: str = "csv") -> dict[str, int]:
    extracts = model(seed, children, window, say)
    inbox = out / "inbox"
    stamp = f"{window.end:%Y-%m}"
    if fmt == "census":
        from pipelines.synthetic.census import CENSUS_EXTRACTS, write_census

        for name in write_census(extracts, inbox, LA_CODE, stamp):
            say(f"wrote {name}")
        extracts_csv = {e: t for e, t in extracts.items() if e not in CENSUS_EXTRACTS}
    elif fmt == "ssd":
        from pipelines.synthetic.ssd import SSD_EXTRACTS, write_ssd

        for name in write_ssd(extracts, inbox, stamp):
            say(f"wrote {name}")
        extracts_csv = {e: t for e, t in extracts.items() if e not in SSD_EXTRACTS}
    else:
        extracts_csv = extracts
    if fmt != "csv":
        parts = agency_part_names(stamp)
        for extract, table in extracts_csv.items():
            writers.write_csv(table, inbox / parts.get(extract, f"{extract}_{stamp}.csv"))
        write_seeds(out / "seeds", children, window)
        return {e: len(t) for e, t in extracts.items()}
    names = {e: f"{e}_{stamp}.csv" for e in extracts}
    names.update(agency_part_names(stamp))
    manifest: list[dict] = []
    if with_faults:
        fault_rng = streams(seed, 10)[8]
        extracts, manifest = add_faults(fault_rng, extracts, names, window)
        names["neglect_tools"] = f"neglect_tools_{stamp}.xlsx"
    for extract, table in extracts.items():
        path = inbox / names[extract]
        if with_faults and extract == "children":
            writers.write_cp1252(_with_worker_columns(table), path)
        elif with_faults and extract == "neglect_tools":
            _write_tools_xlsx(streams(seed, 10)[9], table, path)
        else:
            writers.write_csv(table, path)
        say(f"wrote {path.name}")
    # entered figures (audits, surveys, training), from their own random stream
    writers.write_rows(manual.rows(streams(seed, 11)[10], window), manual.COLUMNS,
                       inbox / f"manual_measures_{stamp}.csv")
    say(f"wrote manual_measures_{stamp}.csv")
    if with_faults:
        manifest += write_bad_files(inbox, extracts, stamp)
        writers.write_rows(manifest, faults.MANIFEST_COLUMNS, out / "faults.csv")
    write_seeds(out / "seeds", children, window)
    return {e: len(t) for e, t in extracts.items()}


def add_faults(rng, extracts: dict[str, pa.Table], names: dict[str, str], window: Window):
    dates = faults.Dates(window.end)
    ref = extracts["referrals"]
    referral_dates = dict(zip(ref.column("referral_id").to_pylist(),
                              ref.column("referral_date").to_pylist(), strict=True))
    builders = {
        "children": lambda t: faults.children_faults(rng, t, dates),
        "referrals": lambda t: faults.referrals_faults(rng, t, dates),
        "assessments": lambda t: faults.assessments_faults(rng, t, referral_dates),
        "cin_plans": lambda t: faults.cin_plans_faults(rng, t),
        "cp_plans": lambda t: faults.cp_plans_faults(rng, t),
        "early_help": lambda t: faults.early_help_faults(rng, t, dates),
        "neglect_tools": lambda t: faults.neglect_tools_faults(rng, t),
        "two_year_olds": lambda t: faults.two_year_olds_faults(rng, t),
    }
    manifest = []
    out = dict(extracts)
    for extract, build_faults in builders.items():
        if not len(extracts[extract]):  # a tiny partnership: no good row to spoil
            continue
        fault_list = build_faults(extracts[extract])
        table, placed = faults.inject(rng, extracts[extract], fault_list)
        out[extract] = table
        file = names[extract] if extract != "neglect_tools" else names[extract][:-4] + ".xlsx"
        manifest += [{"extract": extract, "file": file, "line": line, "rule": f.rule,
                      "column": f.column, "value": value} for line, f, value in placed]
    manifest.sort(key=lambda r: (r["extract"], r["line"]))
    return out, manifest


def write_bad_files(inbox: Path, extracts: dict[str, pa.Table], stamp: str) -> list[dict]:
    """Newer files that fail whole: looked_after without a required column, an empty
    attendance file. Their modification time is a minute after the good file's."""
    rows = []
    la = extracts["looked_after"].drop_columns(["category_of_need"])
    bad = inbox / f"looked_after_{stamp}_resend.csv"
    writers.write_csv(la, bad)
    rows.append({"extract": "looked_after", "file": bad.name, "line": "", "rule": "file",
                 "column": "category_of_need", "value": "missing required column: category_of_need"})
    empty = inbox / f"attendance_{stamp}_resend.csv"
    empty.write_bytes(b"")
    rows.append({"extract": "attendance", "file": empty.name, "line": "", "rule": "file",
                 "column": "", "value": "empty file"})
    for path, good in ((bad, f"looked_after_{stamp}.csv"), (empty, f"attendance_{stamp}.csv")):
        mtime = (inbox / good).stat().st_mtime + 60
        os.utime(path, (mtime, mtime))
    return rows


def _with_worker_columns(table: pa.Table) -> pa.Table:
    """Extra columns a case management system adds (ignored on load), with characters that
    only exist in Windows-1252 once saved by Excel."""
    n = len(table)
    workers = pa.array([WORKERS[i % len(WORKERS)] for i in range(n)])
    notes = pa.array([NOTES[i % len(NOTES)] or None for i in range(n)])
    return table.append_column("allocated_worker", workers).append_column("notes", notes)


def _write_tools_xlsx(rng, table: pa.Table, path: Path) -> None:
    """neglect_tools as a workbook: grades as numbers, most completed dates as real date
    cells, some typed as text (as people do)."""
    header = table.column_names
    as_text = rng.random(len(table)) < 0.15
    rows = []
    for i, row in enumerate(table.to_pylist()):
        values = []
        for col in header:
            v = row[col]
            if v is not None and col == "completed_date" and not as_text[i]:
                try:
                    v = faults.parse_date(v)
                except ValueError:
                    pass  # a bad date stays text
            elif v is not None and col in ("overall_grade", "physical_care", "safety",
                                           "emotional_care", "developmental_care"):
                v = float(v) if "." in v else int(v)
            values.append(v)
        rows.append(values)
    writers.write_xlsx(header, rows, path, sheet="Neglect tools")
