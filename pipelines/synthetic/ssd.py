"""The generated partnership as Standard Safeguarding Dataset table exports (``--format ssd``).

Written from the same extract tables as the CSV inbox, with Data to Insight's table and column
names (pipelines/ingest/readers/ssd.py). Dates are written as SQL Server exports them
(``YYYY-MM-DD 00:00:00``). What the SSD does not carry is left out: the referral
``neglect_flag``, ``previous_cp_plans``, and early help's family, assessment date, neglect
identified and source; the UPN.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa

from pipelines.synthetic.census import YES, _date, _rows, care_episodes

SSD_EXTRACTS = ("children", "referrals", "assessments", "cin_plans", "cp_plans",
                "looked_after", "early_help", "contacts", "s47_enquiries", "cp_reviews",
                "missing_episodes")
# a contact's outcome as the flags of ssd_contacts.cont_contact_outcome_json
OUTCOME_FLAG = {"REFERRAL": "NEW_REFERRAL_FLAG", "NFA": "NFA_FLAG",
                "INFO_ADVICE": "ADVICE_FLAG"}
FLAGS = ("NEW_REFERRAL_FLAG", "EXISTING_REFERRAL_FLAG", "CP_ENQUIRY_FLAG", "NFA_FLAG",
         "NON_AGENCY_ADOPTION_FLAG", "PRIVATE_FOSTERING_FLAG", "ADVICE_FLAG", "MISSING_FLAG",
         "OLA_CP_FLAG", "OTHER_OUTCOMES_EXIST_FLAG")


def _outcome_json(outcome: str | None) -> str:
    if not outcome:
        return ""
    flag = OUTCOME_FLAG.get(outcome, "OTHER_OUTCOMES_EXIST_FLAG")
    return json.dumps({f: "Y" if f == flag else "N" for f in FLAGS})


def _dt(text) -> str:
    d = text if hasattr(text, "isoformat") else _date(text)
    return f"{d.isoformat()} 00:00:00" if d else ""


def _write(path: Path, columns: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def write_ssd(extracts: dict[str, pa.Table], inbox: Path, stamp: str) -> list[str]:
    files = {}

    def table(name, columns, rows):
        files[name] = f"{name}_{stamp}.csv"
        _write(inbox / files[name], columns, rows)

    children = _rows(extracts["children"])
    table("ssd_person", ["pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob",
                         "pers_expected_dob"],
          ([c["child_id"], c["sex"] or "", c["ethnicity"] or "", _dt(c["date_of_birth"]),
            _dt(c["expected_date_of_birth"])] for c in children))
    disabled = [c for c in children if c["disability"]]
    table("ssd_disability", ["disa_table_id", "disa_person_id", "disa_disability_code"],
          ([f"D{i}", c["child_id"], "HAND" if c["disability"].lower() in YES else "NONE"]
           for i, c in enumerate(disabled, start=1)))
    placed = [c for c in children if c["postcode"]]
    table("ssd_address", ["addr_table_id", "addr_person_id", "addr_address_type",
                          "addr_address_start_date", "addr_address_end_date",
                          "addr_address_postcode"],
          ([f"AD{i}", c["child_id"], "HOME", "", "", c["postcode"]]
           for i, c in enumerate(placed, start=1)))
    table("ssd_cin_episodes", ["cine_referral_id", "cine_person_id", "cine_referral_date",
                               "cine_cin_primary_need_code", "cine_referral_source_code",
                               "cine_referral_nfa", "cine_close_reason", "cine_close_date"],
          ([r["referral_id"], r["child_id"], _dt(r["referral_date"]), r["primary_need"] or "",
            r["referral_source"] or "", r["referral_nfa"] or "", r["closure_reason"] or "",
            _dt(r["closure_date"])] for r in _rows(extracts["referrals"])))
    assessments = _rows(extracts["assessments"])
    table("ssd_cin_assessments", ["cina_assessment_id", "cina_person_id", "cina_referral_id",
                                  "cina_assessment_start_date", "cina_assessment_auth_date"],
          ([a["assessment_id"], a["child_id"], a["referral_id"], _dt(a["start_date"]),
            _dt(a["authorised_date"])] for a in assessments))
    table("ssd_assessment_factors", ["cinf_table_id", "cinf_assessment_id",
                                     "cinf_assessment_factors_json"],
          ([f"F{i}", a["assessment_id"], json.dumps(
              [c.strip() for c in a["factors"].replace(",", ";").split(";") if c.strip()])]
           for i, a in enumerate((a for a in assessments if a["factors"]), start=1)))
    table("ssd_cin_plans", ["cinp_cin_plan_id", "cinp_referral_id", "cinp_person_id",
                            "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"],
          ([p["cin_plan_id"], p["referral_id"] or "", p["child_id"], _dt(p["start_date"]),
            _dt(p["end_date"])] for p in _rows(extracts["cin_plans"])))
    table("ssd_cp_plans", ["cppl_cp_plan_id", "cppl_referral_id", "cppl_person_id",
                           "cppl_cp_plan_start_date", "cppl_cp_plan_end_date",
                           "cppl_cp_plan_initial_category", "cppl_cp_plan_latest_category"],
          ([p["cp_plan_id"], p["referral_id"] or "", p["child_id"], _dt(p["start_date"]),
            _dt(p["end_date"]), p["initial_category"] or "", p["latest_category"] or ""]
           for p in _rows(extracts["cp_plans"])))
    table("ssd_cla_episodes", ["clae_cla_episode_id", "clae_person_id",
                               "clae_cla_episode_start_date", "clae_cla_episode_start_reason",
                               "clae_cla_primary_need_code", "clae_cla_episode_ceased_date",
                               "clae_cla_episode_ceased_reason"],
          ([f"E{i}", e["child"], _dt(e["start"]), e["rne"], e["cin"], _dt(e["end"]), e["rec"]]
           for i, e in enumerate(care_episodes(extracts["looked_after"]), start=1)))
    table("ssd_early_help_episodes", ["earl_episode_id", "earl_person_id",
                                      "earl_episode_start_date", "earl_episode_end_date",
                                      "earl_episode_end_reason", "earl_episode_organisation"],
          ([e["episode_id"], e["child_id"], _dt(e["start_date"]), _dt(e["end_date"]),
            e["end_reason"] or "", e["lead_agency"] or ""]
           for e in _rows(extracts["early_help"])))
    if "contacts" in extracts:
        _write_journey(extracts, table)
    return list(files.values())


def _write_journey(extracts: dict[str, pa.Table], table) -> None:
    """ssd_contacts, ssd_s47_enquiry with ssd_initial_cp_conference, ssd_cp_reviews and
    ssd_missing (icpc_not_required is not in the SSD: left out)."""
    table("ssd_contacts", ["cont_contact_id", "cont_person_id", "cont_contact_date",
                           "cont_contact_source_code", "cont_contact_outcome_json"],
          ([c["contact_id"], c["child_id"], _dt(c["contact_date"]), c["contact_source"] or "",
            _outcome_json(c["outcome"])] for c in _rows(extracts["contacts"])))
    enquiries = _rows(extracts["s47_enquiries"])
    table("ssd_s47_enquiry", ["s47e_s47_enquiry_id", "s47e_referral_id", "s47e_person_id",
                              "s47e_s47_start_date"],
          ([e["s47_id"], e["referral_id"] or "", e["child_id"], _dt(e["start_date"])]
           for e in enquiries))
    table("ssd_initial_cp_conference", ["icpc_icpc_id", "icpc_s47_enquiry_id", "icpc_person_id",
                                        "icpc_icpc_target_date", "icpc_icpc_date"],
          ([f"IC{i}", e["s47_id"], e["child_id"], _dt(e["icpc_target_date"]),
            _dt(e["icpc_date"])]
           for i, e in enumerate((e for e in enquiries if e["icpc_date"]), start=1)))
    table("ssd_cp_reviews", ["cppr_cp_review_id", "cppr_cp_plan_id", "cppr_cp_review_date"],
          ([f"V{i}", r["cp_plan_id"], _dt(r["review_date"])]
           for i, r in enumerate(_rows(extracts["cp_reviews"]), start=1)))
    table("ssd_missing", ["miss_table_id", "miss_la_person_id", "miss_mis_epi_start",
                          "miss_mis_epi_type", "miss_mis_epi_end"],
          ([f"M{i}", m["child_id"], _dt(m["start_date"]), m["kind"], _dt(m["end_date"])]
           for i, m in enumerate(_rows(extracts["missing_episodes"]), start=1)))
