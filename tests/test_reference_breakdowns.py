"""indicator_breakdowns by sex, ethnicity group and disability against the independent
reference (tests/reference), on random small partnerships.

The reference knows nothing of breakdowns, but a characteristic that belongs to the child is
a place as far as its definitions go: give every child of one group the postcode of one
"locality" named after the group, and the reference's figure for that locality is the
group's. A child with no children row is in the reference's Unknown locality: "Not known".
Numerators (counts, for a rate) and percentage denominators must agree exactly. Age bands,
which depend on each record's date, are pinned by tests/metrics/test_breakdowns.py.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from reference import edge_cases, handmade
from reference.indicators import compute_all, frames_from_duckdb

from lscp_core.settings import Settings
from metrics.runner import build_metrics

AS_AT = dt.date(2025, 6, 30)
SEXES = ["M", "F", "U", None]
ETHNICITIES = ["WBRI", "WROM", "MWBA", "APKN", "BAFR", "CHNE", "REFU", None]
DISABLED = [True, False, None]
GROUPS = {  # the product's category of each code (int_child_characteristics)
    "sex": {"M": "Male", "F": "Female", "U": "Not known", None: "Not known"},
    "ethnicity": {"WBRI": "White", "WROM": "White", "MWBA": "Mixed",
                  "APKN": "Asian or Asian British", "BAFR": "Black or Black British",
                  "CHNE": "Other ethnic group", "REFU": "Not known", None: "Not known"},
    "disability": {True: "Disabled", False: "Not disabled", None: "Not known"},
}


def _with_characteristics(src: dict) -> dict:
    children = []
    for i, child in enumerate(src["children"]):
        children.append({**child, "sex": SEXES[i % 4], "ethnicity": ETHNICITIES[i % 8],
                         "disability": DISABLED[i % 3]})
    return {**src, "children": children}


def _grouped_as_places(frames: dict, dimension: str, codes) -> dict:
    """The same frames with each child's postcode that of its group's locality."""
    groups = sorted(set(GROUPS[dimension].values()))
    code_of = {group: f"G{k}" for k, group in enumerate(groups)}
    out = dict(frames)
    children = frames["src_children"].copy()
    children["postcode"] = [f"{code_of[GROUPS[dimension][c]]} 1AA" for c in codes]
    out["src_children"] = children
    out["src_two_year_olds"] = frames["src_two_year_olds"].iloc[0:0]
    out["seed_localities"] = handmade.table("seed_localities", [
        {"locality_code": code, "locality_name": group} for group, code in code_of.items()])
    out["seed_postcode_localities"] = handmade.table("seed_postcode_localities", [
        {"postcode_prefix": code, "locality_code": code} for code in code_of.values()])
    out["seed_population"] = handmade.table("seed_population", [
        {"locality_code": code, "year": 2024, "population_0_17": 1000}
        for code in code_of.values()])
    return out


@pytest.mark.parametrize("seed", [3, 8])
def test_sex_ethnicity_and_disability_match_the_reference_by_place(seed):
    src = _with_characteristics(edge_cases.fuzz(seed))
    con = duckdb.connect(":memory:")
    try:
        handmade.load_into(con, handmade.frames(**src))
        build_metrics(con, as_at=AS_AT, settings=Settings())
        product = con.execute(
            "select b.*, c.unit from indicator_breakdowns b join indicator_catalogue c "
            "using (indicator_id) where dimension in ('sex', 'ethnicity', 'disability') "
            "and category <> 'All'").df()
        frames = frames_from_duckdb(con)
    finally:
        con.close()
    assert product["numerator"].sum() > 0
    ids = frames["src_children"]["child_id"].tolist()
    by_id = {c["child_id"]: c for c in src["children"]}
    compared = 0
    for dimension in ("sex", "ethnicity", "disability"):
        codes = [by_id[i][dimension] for i in ids]
        reference = compute_all(_grouped_as_places(frames, dimension, codes), AS_AT)
        reference = reference[(reference["agency"] == "All") & (reference["locality"] != "All")]
        reference = reference.assign(category=reference["locality"].replace(
            {"Unknown": "Not known"}))
        expected = (reference.groupby(["indicator_id", "period_end", "category"])
                    [["numerator", "denominator"]].sum(min_count=1).reset_index())
        got = product[product["dimension"] == dimension].copy()
        got["period_end"] = pd.to_datetime(got["period_end"])
        expected["period_end"] = pd.to_datetime(expected["period_end"])
        both = got.merge(expected, on=["indicator_id", "period_end", "category"],
                         how="left", suffixes=("", "_reference"))
        both["numerator_reference"] = both["numerator_reference"].fillna(0)
        wrong = both[both["numerator"] != both["numerator_reference"]]
        assert wrong.empty, wrong[["indicator_id", "period_end", "category", "numerator",
                                   "numerator_reference"]].head(10).to_string()
        percent = both[both["unit"] == "percent"]
        wrong = percent[percent["denominator"] != percent["denominator_reference"].fillna(0)]
        assert wrong.empty, wrong[["indicator_id", "period_end", "category", "denominator",
                                   "denominator_reference"]].head(10).to_string()
        compared += len(both)
    assert compared > 1000
