"""The demo's manual measures (extract manual_measures): quarterly multi-agency audits,
surveys of practitioners and of children and families, training counts, and an annual
neglect-themed audit, each declared in seeds/manual_measures.csv, with a source and an owner.

Audits and surveys give a numerator and a denominator (cases audited, responses) and, as an
owner copying from a report would, the percentage to one decimal place; the partnership's
`All` row is its own figure (a survey's total, not the sum of the agencies' rows).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from lscp_core.settings import DEFAULT_SEEDS
from pipelines.synthetic.timeline import Window

COLUMNS = ["measure_id", "period_end", "agency", "locality", "numerator", "denominator",
           "value", "source", "owner", "note"]
# measure id -> (source, owner, how many cases or responses, the share at the start, its gain
# over the years, agencies that report their own figure too)
SURVEYS = {
    "audit_voice_of_child": ("Multi-agency case audit (quarterly)", "Quality assurance lead",
                             (18, 30), 0.55, 0.20, ("HEALTH", "SCHOOLS", "POLICE")),
    "audit_graded_good": ("Neglect-themed multi-agency audit (annual)", "Partnership business manager",
                          (20, 26), 0.50, 0.25, ()),
    "practitioner_feedback_positive": ("Practitioner survey on the neglect pathway",
                                       "Workforce development lead", (60, 140), 0.60, 0.15, ()),
    "family_feedback_positive": ("Feedback from children and families after plans close",
                                 "Participation officer", (25, 70), 0.65, 0.10, ()),
}
# measure id -> (source, owner, low, high) per quarter
COUNTS = {
    "staff_trained_neglect": ("Training attendance records", "Workforce development lead", 40, 160),
    "training_sessions_neglect": ("Training calendar", "Workforce development lead", 3, 12),
    "gcp2_training_sessions": ("GCP2 training log", "GCP2 lead", 1, 6),
    "practitioner_forums": ("Practitioner forum minutes", "Neglect strategy lead", 1, 3),
    "toolkit_training_sessions": ("Neglect Toolkit training log", "Toolkit lead", 1, 5),
    "disguised_compliance_training": ("Training calendar", "Workforce development lead", 0, 3),
}


def declared() -> list[str]:
    """The ids of seeds/manual_measures.csv (the generator copies that file into its seeds)."""
    path = Path(DEFAULT_SEEDS) / "manual_measures.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return [row["id"] for row in csv.DictReader(f)]


def _quarter_ends(window: Window) -> list[dt.date]:
    ends = []
    year, month = window.start.year, 3
    while True:
        end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
        if end > window.end:
            return ends
        if end >= window.start:
            ends.append(end)
        month += 3
        if month > 12:
            year, month = year + 1, month - 12


def rows(rng: np.random.Generator, window: Window) -> list[dict]:
    """The manual_measures rows of the generated partnership."""
    ids = set(declared())
    quarters = _quarter_ends(window)
    span = max((window.end - window.start).days, 1)
    out = []
    for measure, (source, owner, (low, high), start, gain, agencies) in SURVEYS.items():
        if measure not in ids:
            continue
        annual = measure == "audit_graded_good"
        for end in quarters:
            if annual and end.month != 3:
                continue
            share = start + gain * (end - window.start).days / span
            for agency in ("All", *agencies):
                scale = 1 if agency == "All" else 0.3
                cases = int(rng.integers(low, high + 1) * scale) + 1
                good = int(rng.binomial(cases, min(share, 0.98)))
                out.append({"measure_id": measure, "period_end": end.isoformat(),
                            "agency": agency, "locality": "All", "numerator": good,
                            "denominator": cases, "value": f"{good / cases * 100:.1f}",
                            "source": source, "owner": owner, "note": ""})
    for measure, (source, owner, low, high) in COUNTS.items():
        if measure not in ids:
            continue
        for end in quarters:
            out.append({"measure_id": measure, "period_end": end.isoformat(), "agency": "All",
                        "locality": "All", "numerator": int(rng.integers(low, high + 1)),
                        "denominator": "", "value": "", "source": source, "owner": owner,
                        "note": ""})
    return out
