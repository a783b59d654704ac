"""Everyone who is a child in Northshire at some point of the window.

Births are spread over the 18 years before the window (and the burn-in years before it)
and the window itself, so about ``children`` are aged 0-17 on any day. Each person gets a postcode sector (which fixes the
locality), and the latent traits the services react to: a family, how much school they
miss, whether the family is eligible for the funded two-year-old offer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.reference import LOCALITIES, sectors
from pipelines.synthetic.timeline import YEAR, Window

ETHNICITY = (
    ("WBRI", 0.700), ("WIRI", 0.005), ("WIRT", 0.002), ("WOTH", 0.045), ("WROM", 0.003),
    ("MWBC", 0.020), ("MWBA", 0.008), ("MWAS", 0.012), ("MOTH", 0.020), ("AIND", 0.030),
    ("APKN", 0.050), ("ABAN", 0.012), ("AOTH", 0.015), ("BCRB", 0.008), ("BAFR", 0.030),
    ("BOTH", 0.005), ("CHNE", 0.004), ("OOTH", 0.015), ("REFU", 0.006), ("NOBT", 0.010),
)  # fmt: skip
AGE_18 = int(18 * YEAR)
BURN_IN_YEARS = 3  # referrals are drawn from before the data begins (see csc.index_referrals)


@dataclass
class Persons:
    dob: np.ndarray  # int days
    locality: np.ndarray  # index into LOCALITIES
    outward: np.ndarray  # NS<n>
    sector: np.ndarray  # 0-9
    sex: np.ndarray  # 0 M, 1 F, 2 U
    ethnicity: np.ndarray  # index into ETHNICITY
    disability: np.ndarray  # bool
    family: np.ndarray  # family number (siblings share it)
    absence: np.ndarray  # share of sessions this pupil tends to miss
    disadvantaged: np.ndarray  # eligible for the funded two-year-old offer
    number: np.ndarray  # the LA person number (random, unique)
    by_locality: list[np.ndarray]  # person indices of each locality, sorted by dob

    def __len__(self) -> int:
        return len(self.dob)

    def pick(self, rng, locality: np.ndarray, target_dob: np.ndarray,
             spread: int = 30) -> np.ndarray:
        """A random person of each given locality born within ``spread`` days after
        ``target_dob`` (or the nearest one); used to give events a child of the right age."""
        out = np.empty(len(locality), dtype=np.int64)
        for i, members in enumerate(self.by_locality):
            rows = np.flatnonzero(locality == i)
            if not len(rows):
                continue
            born = self.dob[members]
            lo = np.searchsorted(born, target_dob[rows])
            hi = np.searchsorted(born, target_dob[rows] + spread)
            width = np.maximum(hi - lo, 1)
            k = np.minimum(lo + (rng.random(len(rows)) * width).astype(np.int64), len(born) - 1)
            out[rows] = members[k]
        return out


def make_persons(rng, children: int, window: Window) -> Persons:
    first_birth = window.earlier(BURN_IN_YEARS).first - AGE_18
    span = window.last - first_birth + 1
    n = max(int(round(children * span / AGE_18)), 50)
    dob = np.sort(rng.integers(first_birth, window.last + 1, size=n))
    table = sectors()
    codes = [loc.code for loc in LOCALITIES]
    share = np.array([LOCALITIES[codes.index(c)].share for _o, _s, c in table])
    per_locality = {c: sum(1 for *_x, cc in table if cc == c) for c in codes}
    weight = share / np.array([per_locality[c] for _o, _s, c in table])
    chosen = rng.choice(len(table), size=n, p=weight / weight.sum())
    outward = np.array([o for o, _s, _c in table])[chosen]
    sector = np.array([s for _o, s, _c in table])[chosen]
    locality = np.array([codes.index(c) for _o, _s, c in table])[chosen]
    eth_p = np.array([p for _c, p in ETHNICITY])
    disadvantage = np.array([loc.disadvantage for loc in LOCALITIES])[locality]
    absence_mult = np.array([loc.absence for loc in LOCALITIES])[locality]
    persons = Persons(
        dob=dob,
        locality=locality,
        outward=outward,
        sector=sector,
        sex=rng.choice(3, size=n, p=[0.508, 0.489, 0.003]),
        ethnicity=rng.choice(len(ETHNICITY), size=n, p=eth_p / eth_p.sum()),
        disability=rng.random(n) < 0.04,
        family=rng.integers(0, max(n // 2, 1), size=n),
        # median about 5% of sessions missed; about 1 in 6 pupils persistently absent
        absence=np.exp(rng.normal(-2.97, 0.62, size=n)) * absence_mult,
        disadvantaged=rng.random(n) < disadvantage,
        number=rng.choice(10**8 - 1, size=n, replace=False) + 1,
        by_locality=[],
    )
    persons.by_locality = [np.flatnonzero(locality == i) for i in range(len(LOCALITIES))]
    return persons
