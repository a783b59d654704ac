"""The fictional partnership itself: Northshire, its localities, postcodes and agencies.

Everything here is invented. ``NS`` is not a UK postcode area, so no generated postcode can
point at a real street. Each locality carries the "character" the generator gives it
(referral rate, neglect share, trends), so the dashboard has differences to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays


@dataclass(frozen=True)
class Locality:
    code: str
    name: str
    outward: tuple[int, ...]  # NS<n> outward codes
    share: float  # of the partnership's children
    growth: float  # population change a year
    referral_rate: float  # multiplier on the England-like referral rate
    referral_trend: float  # change a year in that multiplier
    rereferral: float  # chance a referral is followed by another of the same child
    rereferral_trend: float
    neglect: float  # share of referrals whose concern is neglect
    timely: float  # assessments within 45 working days
    timely_trend: float
    takeup: float  # two-year-old offer
    takeup_trend: float
    disadvantage: float  # share of two-year-olds eligible for the funded offer
    absence: float  # multiplier on pupils' absence


LOCALITIES: tuple[Locality, ...] = (
    Locality("NGT", "Northgate", (1, 2, 3), 0.25, 0.006, 1.30, 0.04, 0.33, -0.015, 0.58,
             0.76, 0.015, 0.62, 0.025, 0.46, 1.20),
    Locality("EMR", "Eastmoor", (4, 5), 0.19, 0.002, 1.00, 0.00, 0.27, 0.000, 0.50,
             0.83, 0.000, 0.70, 0.010, 0.36, 1.00),
    Locality("SBR", "Southbridge", (6, 7, 8), 0.23, 0.004, 1.10, -0.05, 0.30, -0.020, 0.52,
             0.72, 0.030, 0.68, 0.015, 0.40, 1.10),
    Locality("WFL", "Westfell", (9, 10), 0.15, -0.004, 0.70, 0.02, 0.22, 0.010, 0.44,
             0.88, -0.010, 0.78, 0.000, 0.26, 0.85),
    Locality("KMR", "Kingsmere", (11, 12), 0.18, 0.001, 0.85, 0.03, 0.25, 0.005, 0.47,
             0.85, -0.025, 0.74, 0.005, 0.30, 0.90),
)

# Sectors whose children belong to another locality than their outward code's (the
# seeds list them, and the sector wins over the outward code).
SECTOR_OVERRIDES: dict[tuple[int, int], str] = {(3, 4): "EMR", (8, 1): "WFL", (10, 2): "KMR"}


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    sector: str
    referral_sources: tuple[str, ...]


AGENCIES: tuple[Agency, ...] = (
    Agency("POLICE", "Northshire Police", "Police", ("6",)),
    Agency("HEALTH", "Northshire Health (NHS)", "Health", ("3A", "3B", "3C", "3D", "3E", "3F")),
    Agency("SCHOOLS", "Schools and colleges", "Education", ("2A", "2B")),
    Agency("HOUSING", "Housing providers", "Housing", ("4",)),
    Agency("LA_SERVICES", "Local authority services", "Local authority", ("5A", "5B", "5C")),
    Agency("EARLY_HELP", "Early help service", "Local authority", ("5D",)),
    Agency("LEGAL", "Courts, probation and youth justice", "Justice", ("7",)),
    Agency("EARLY_YEARS", "Early years settings", "Education", ()),
    Agency("VCS", "Voluntary and community sector", "Voluntary", ()),
    Agency("CSC", "Children's social care", "Local authority", ()),
)

# CIN referral sources with a share of referrals close to England's (individuals 1A-1D,
# other 8, anonymous 9 and unknown 10 belong to no agency).
REFERRAL_SOURCES: tuple[tuple[str, float], ...] = (
    ("1A", 0.030), ("1B", 0.020), ("1C", 0.010), ("1D", 0.010),
    ("2A", 0.190), ("2B", 0.015),
    ("3A", 0.030), ("3B", 0.040), ("3C", 0.030), ("3D", 0.020), ("3E", 0.020), ("3F", 0.020),
    ("4", 0.025), ("5A", 0.050), ("5B", 0.020), ("5C", 0.020), ("5D", 0.040),
    ("6", 0.290), ("7", 0.020), ("8", 0.045), ("9", 0.015), ("10", 0.040),
)  # fmt: skip


def sectors() -> list[tuple[int, int, str]]:
    """Every (outward number, sector digit, locality code) of Northshire."""
    out = []
    for loc in LOCALITIES:
        for outward in loc.outward:
            for sector in range(10):
                out.append((outward, sector, SECTOR_OVERRIDES.get((outward, sector), loc.code)))
    return out


# Fictional deprivation (IDACI decile, 1 most deprived - 10 least), in step with each
# locality's character: the most disadvantaged and most referred are the most deprived.
IDACI_DECILE: dict[str, int] = {"NGT": 2, "EMR": 5, "SBR": 3, "WFL": 9, "KMR": 7}


def locality_rows() -> list[dict]:
    return [{"locality_code": loc.code, "locality_name": loc.name,
             "idaci_decile": IDACI_DECILE[loc.code]} for loc in LOCALITIES]


def postcode_locality_rows() -> list[dict]:
    rows = [{"postcode_prefix": f"NS{o}", "locality_code": loc.code}
            for loc in LOCALITIES for o in loc.outward]
    rows += [{"postcode_prefix": f"NS{o} {s}", "locality_code": code}
             for (o, s), code in sorted(SECTOR_OVERRIDES.items())]
    return rows


def agency_rows() -> list[dict]:
    return [{"agency_code": a.code, "agency_name": a.name, "sector": a.sector,
             "referral_sources": ";".join(a.referral_sources)} for a in AGENCIES]


def population_rows(children: int, years: range, reference_year: int) -> list[dict]:
    """ONS-style mid-year estimates: ``children`` in ``reference_year``, drifting by locality."""
    rows = []
    for loc in LOCALITIES:
        for year in years:
            pop = children * loc.share * (1 + loc.growth) ** (year - reference_year)
            rows.append({"locality_code": loc.code, "year": year, "population_0_17": round(pop)})
    return rows


def bank_holidays(first_year: int, last_year: int) -> list[tuple[dt.date, str]]:
    """England and Wales bank holidays as gov.uk lists them: the weekday on which each falls
    (a holiday on a weekend is replaced by its substitute day, which ``holidays`` adds)."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    days = []
    for day, name in sorted(found.items()):
        if day.weekday() < 5:
            days.append((day, name.replace(" (observed)", " (substitute day)")))
    return days


def bank_holiday_rows(first_year: int, last_year: int) -> list[dict]:
    return [{"date": d.isoformat(), "name": n} for d, n in bank_holidays(first_year, last_year)]
