"""The generated partnership as partnerships hold it: DfE CIN census XML (one file per
collection year, with each referral's section 47 enquiries and each CP plan's reviews) and
the SSDA903 ``header``, ``episodes`` and ``missing`` return (``--format census``).

The census files are written from the same extract tables as the CSV inbox, so the same
partnership can be run through both readers (the equivalence test). What the census cannot
carry is left out exactly as inputs.md says: the referral ``neglect_flag``, the postcode
(the ``children`` CSV is written beside the census for it).

A collection year's file holds the referrals open in that year (April to March), as the
census does, plus any referral of the same child on the same day as one of them, so the
``-2`` numbering of same-day episodes is the same in every year's file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

import pyarrow as pa

CENSUS_EXTRACTS = ("referrals", "assessments", "cin_plans", "cp_plans", "looked_after",
                   "s47_enquiries", "cp_reviews", "missing_episodes")
SEX_DIGIT = {"M": "1", "F": "2", "U": "0", "1": "1", "2": "2", "0": "0", "9": "9"}
SEX_LETTER = {"1": "M", "2": "F", "0": "U", "9": "U", "M": "M", "F": "F", "U": "U"}
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0"}
# periods of care longer than this are sent as two episodes joined by REC X1
SPLIT_DAYS = 180


def _date(text: str | None) -> dt.date | None:
    """ISO, DD/MM/YYYY or D/M/YYYY (what the generator writes) -> date."""
    if not text:
        return None
    if "-" in text:
        return dt.date.fromisoformat(text)
    d, m, y = (int(x) for x in text.split("/"))
    return dt.date(y, m, d)


def _iso(text: str | None) -> str | None:
    d = _date(text)
    return d.isoformat() if d else None


def _uk(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _el(name: str, value) -> str:
    return f"<{name}>{escape(str(value))}</{name}>" if value not in (None, "") else ""


def _rows(table: pa.Table) -> list[dict]:
    return table.to_pylist()


def write_census(extracts: dict[str, pa.Table], inbox: Path, la_code: str,
                 stamp: str, ssda903: bool = True) -> list[str]:
    """Write the census years and (``ssda903``) the SSDA903 files; returns the names
    written."""
    by_referral: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for extract in ("assessments", "cin_plans", "cp_plans", "s47_enquiries"):
        for row in _rows(extracts.get(extract, pa.table({}))):
            by_referral[row["referral_id"]][extract].append(row)
    reviews: dict[str, list[str]] = defaultdict(list)
    for row in _rows(extracts.get("cp_reviews", pa.table({}))):
        reviews[row["cp_plan_id"]].append(_iso(row["review_date"]))
    for plans in by_referral.values():
        for p in plans.get("cp_plans", []):
            p["_reviews"] = sorted(reviews.get(p["cp_plan_id"], []))
        plans.get("s47_enquiries", []).sort(key=lambda e: (_date(e["start_date"]), e["s47_id"]))
    children = {r["child_id"]: r for r in _rows(extracts["children"])}
    referrals = _rows(extracts["referrals"])
    for r in referrals:
        r["_date"], r["_closed"] = _date(r["referral_date"]), _date(r["closure_date"])
    per_child: dict[str, list[dict]] = defaultdict(list)
    for r in referrals:  # document order: by date, then as listed
        per_child[r["child_id"]].append(r)
    for rs in per_child.values():
        rs.sort(key=lambda r: r["_date"])
    names = []
    first = min(r["_date"] for r in referrals) if referrals else dt.date.today()
    last = max(max(r["_date"], r["_closed"] or r["_date"]) for r in referrals) \
        if referrals else first
    first_year = first.year + (1 if first.month >= 4 else 0)
    last_year = last.year + (1 if last.month >= 4 else 0)
    for year in range(first_year, last_year + 1):
        name = f"cin_census_{year - 1}-{str(year)[2:]}_{stamp}.xml"
        _write_year(inbox / name, year, la_code, per_child, children, by_referral)
        names.append(name)
    if ssda903:
        names += _write_ssda903(extracts, children, inbox, stamp)
    return names


def _write_year(path: Path, year: int, la_code: str, per_child, children, by_referral) -> None:
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    legacy_sex = year <= 2024  # <GenderCurrent> to 2023-24, <Sex> from 2024-25
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<Message>\n<Header>\n'
                f"<CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>"
                f"<ReferenceDate>{end.isoformat()}</ReferenceDate></CollectionDetails>\n"
                f"<Source><SourceLevel>L</SourceLevel><LEA>{escape(la_code)}</LEA>"
                "<SoftwareCode>lscp generate</SoftwareCode></Source>\n</Header>\n<Children>\n")
        for child_id, rs in per_child.items():
            open_days = {r["_date"] for r in rs
                         if r["_date"] <= end and (r["_closed"] is None or r["_closed"] >= start)}
            chosen = [r for r in rs if r["_date"] in open_days]
            if chosen:
                f.write(_child(child_id, children.get(child_id, {}), chosen, by_referral,
                               legacy_sex))
        f.write("</Children>\n</Message>\n")


def _child(child_id: str, child: dict, referrals: list[dict], by_referral,
           legacy_sex: bool) -> str:
    sex = (child.get("sex") or "").upper()
    sex_el = (_el("GenderCurrent", SEX_DIGIT.get(sex, sex)) if legacy_sex
              else _el("Sex", SEX_LETTER.get(sex, sex)))
    disability = (child.get("disability") or "").lower()
    disabilities = ("<Disabilities><Disability>HAND</Disability></Disabilities>" if disability
                    in YES else "<Disabilities><Disability>NONE</Disability></Disabilities>"
                    if disability in NO else "")
    parts = [
        "<Child><ChildIdentifiers>", _el("LAchildID", child_id),
        _el("PersonBirthDate", _iso(child.get("date_of_birth"))),
        _el("ExpectedPersonBirthDate", _iso(child.get("expected_date_of_birth"))), sex_el,
        "</ChildIdentifiers><ChildCharacteristics>", _el("Ethnicity", child.get("ethnicity")),
        disabilities, "</ChildCharacteristics>\n",
    ]
    for r in referrals:
        parts.append(_episode(r, by_referral.get(r["referral_id"], {})))
    parts.append("</Child>\n")
    return "".join(parts)


def _yes_no(value: str | None) -> str | None:
    v = (value or "").lower()
    return "1" if v in YES else "0" if v in NO else value


def _episode(r: dict, under: dict[str, list[dict]]) -> str:
    parts = ["<CINdetails>", _el("CINreferralDate", r["_date"].isoformat()),
             _el("ReferralSource", r["referral_source"]),
             _el("PrimaryNeedCode", r["primary_need"]),
             _el("CINclosureDate", _iso(r["closure_date"])),
             _el("ReasonForClosure", r["closure_reason"]),
             _el("ReferralNFA", _yes_no(r["referral_nfa"]))]
    for p in under.get("cin_plans", []):
        parts.append("<CINPlanDates>" + _el("CINPlanStartDate", _iso(p["start_date"]))
                     + _el("CINPlanEndDate", _iso(p["end_date"])) + "</CINPlanDates>")
    for a in under.get("assessments", []):
        factors = [c.strip() for c in (a["factors"] or "").replace(",", ";").split(";")
                   if c.strip()]
        parts.append(
            "<Assessments>" + _el("AssessmentActualStartDate", _iso(a["start_date"]))
            + _el("AssessmentAuthorisationDate", _iso(a["authorised_date"]))
            + "<FactorsIdentifiedAtAssessment>"
            + "".join(_el("AssessmentFactors", c) for c in factors)
            + "</FactorsIdentifiedAtAssessment></Assessments>")
    for e in under.get("s47_enquiries", []):
        parts.append(
            "<Section47>" + _el("S47ActualStartDate", _iso(e["start_date"]))
            + _el("InitialCPCtarget", _iso(e["icpc_target_date"]))
            + _el("DateOfInitialCPC", _iso(e["icpc_date"]))
            + _el("ICPCnotRequired", _yes_no(e["icpc_not_required"]))
            + "</Section47>")
    for p in under.get("cp_plans", []):
        dates = p.get("_reviews") or []
        parts.append(
            "<ChildProtectionPlans>" + _el("CPPstartDate", _iso(p["start_date"]))
            + _el("CPPendDate", _iso(p["end_date"]))
            + _el("InitialCategoryOfAbuse", p["initial_category"])
            + _el("LatestCategoryOfAbuse", p["latest_category"])
            + _el("NumberOfPreviousCPP", p["previous_cp_plans"])
            + ("<Reviews>" + "".join(_el("CPPreviewDate", d) for d in dates) + "</Reviews>"
               if dates else "")
            + "</ChildProtectionPlans>")
    parts.append("</CINdetails>\n")
    return "".join(parts)


def care_episodes(looked_after: pa.Table) -> list[dict]:
    """Each period of care as episodes: (child, start, end, rne, rec, cin); a period longer
    than SPLIT_DAYS is two episodes joined by REC X1, so the readers' collapse is used."""
    episodes = []
    for p in _rows(looked_after):
        start, end = _date(p["start_date"]), _date(p["end_date"])
        row = {"child": p["child_id"], "cin": p["category_of_need"]}
        if end is not None and (end - start).days > SPLIT_DAYS:
            middle = start + dt.timedelta(days=SPLIT_DAYS // 2)
            episodes.append({**row, "start": start, "end": middle, "rne": "S", "rec": "X1"})
            episodes.append({**row, "start": middle, "end": end, "rne": "P", "rec": "E11"})
        else:
            episodes.append({**row, "start": start, "end": end, "rne": "S",
                             "rec": "E11" if end else ""})
    return episodes


def _write_ssda903(extracts, children, inbox: Path, stamp: str) -> list[str]:
    import csv

    columns = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
               "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
    names = [f"ssda903_episodes_{stamp}.csv", f"ssda903_header_{stamp}.csv",
             f"ssda903_missing_{stamp}.csv"]
    episodes = care_episodes(extracts["looked_after"])
    with open(inbox / names[0], "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for e in episodes:
            writer.writerow([e["child"], _uk(e["start"]), e["rne"], "C2", e["cin"], "U1", "PR1",
                             _uk(e["end"]), e["rec"], "", "", "", ""])
    with open(inbox / names[1], "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
        for child_id in sorted({e["child"] for e in episodes}):
            c = children.get(child_id, {})
            sex = SEX_DIGIT.get((c.get("sex") or "").upper(), "")
            writer.writerow([child_id, sex if sex in ("1", "2") else "",
                             _uk(_date(c.get("date_of_birth"))), c.get("ethnicity") or "",
                             "", "", ""])
    with open(inbox / names[2], "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"])
        for m in _rows(extracts.get("missing_episodes", pa.table({}))):
            c = children.get(m["child_id"], {})
            writer.writerow([m["child_id"], _uk(_date(c.get("date_of_birth"))), m["kind"],
                             _uk(_date(m["start_date"])), _uk(_date(m["end_date"]))])
    return names
