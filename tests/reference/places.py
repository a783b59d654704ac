"""Localities (postcode lookup), agencies and populations, from spec/extracts.md seeds rules."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

UNKNOWN = "Unknown"
ALL = "All"

# A full UK postcode once the spaces are gone: outward code + inward code (digit, two letters).
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def normalise_postcode(raw) -> str | None:
    """Upper case, one space before the last three characters; an outward code alone stays.
    None for blank or malformed text."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)) or raw is pd.NA:
        return None
    text = re.sub(r"\s+", "", str(raw)).upper()
    full = _FULL.match(text)
    if full:
        return f"{full.group(1)} {full.group(2)}"
    if _OUTWARD.match(text):
        return text
    return None


def _normalise_prefix(raw) -> str:
    return re.sub(r"\s+", " ", str(raw).strip()).upper()


class Places:
    """The seeds' view of where a child lives and who an agency is."""

    def __init__(self, localities: pd.DataFrame, postcode_localities: pd.DataFrame,
                 population: pd.DataFrame, agencies: pd.DataFrame):
        self.names = {str(r.locality_code): str(r.locality_name) for r in localities.itertuples()}
        self.locality_names = list(dict.fromkeys(self.names.values()))
        self.prefixes = {}
        for row in postcode_localities.itertuples():
            if pd.isna(row.postcode_prefix) or pd.isna(row.locality_code):
                continue
            self.prefixes.setdefault(_normalise_prefix(row.postcode_prefix),
                                     self.names.get(str(row.locality_code), UNKNOWN))
        self.population = {}  # locality name -> {year: population}
        for row in population.itertuples():
            name = self.names.get(str(row.locality_code))
            if name is None or pd.isna(row.year) or pd.isna(row.population_0_17):
                continue
            years = self.population.setdefault(name, {})
            years[int(row.year)] = years.get(int(row.year), 0) + int(row.population_0_17)
        self.agency_codes = [str(c) for c in agencies["agency_code"]]
        self._agency_by_upper = {}
        self._agency_by_source = {}
        for row in agencies.itertuples():  # seed order: the first agency listing a code wins
            self._agency_by_upper.setdefault(str(row.agency_code).strip().upper(), str(row.agency_code))
            if pd.isna(row.referral_sources):
                continue
            for code in str(row.referral_sources).split(";"):
                code = code.strip().upper()
                if code:
                    self._agency_by_source.setdefault(code, str(row.agency_code))

    # -- localities -------------------------------------------------------------------
    def locality_of_postcode(self, raw) -> str:
        postcode = normalise_postcode(raw)
        if postcode is None:
            return UNKNOWN
        outward, _, inward = postcode.partition(" ")
        if inward:
            sector = f"{outward} {inward[0]}"
            if sector in self.prefixes:
                return self.prefixes[sector]
        return self.prefixes.get(outward, UNKNOWN)

    def all_localities(self) -> list[str]:
        return [*self.locality_names, UNKNOWN, ALL]

    # -- agencies ---------------------------------------------------------------------
    def agency_of_source(self, source) -> str | None:
        if source is None or pd.isna(source):
            return None
        return self._agency_by_source.get(str(source).strip().upper())

    def agency_of_code(self, code) -> str | None:
        if code is None or pd.isna(code):
            return None
        return self._agency_by_upper.get(str(code).strip().upper())

    def all_agencies(self) -> list[str]:
        return [*dict.fromkeys(self.agency_codes), ALL]

    # -- population -------------------------------------------------------------------
    def children_0_17(self, locality: str, period_end: dt.date) -> int:
        """Population of the period's year, else the nearest earlier year, else the earliest;
        All is the sum over localities; Unknown has none."""
        if locality == ALL:
            return sum(self.children_0_17(name, period_end) for name in self.locality_names)
        years = self.population.get(locality)
        if not years:
            return 0
        earlier = [y for y in years if y <= period_end.year]
        return years[max(earlier)] if earlier else years[min(years)]
