"""Funnel plots: each locality's (or agency's) figure against its denominator, with control
limits around the partnership's value (Spiegelhalter 2005, "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185-1202).

- Percentages: exact binomial limits; rates per 10,000 children: exact Poisson limits with the
  population as exposure. Counts have no denominator and get no funnel.
- Exact limits are whole counts; as in the paper (and the PHE/OHID funnel tools), the limit
  is interpolated between neighbouring integers: with r the p-quantile,
  alpha = (F(r) - p) / (F(r) - F(r - 1)) and the limit is (r - alpha) / n.
- 95% (2 sigma) and 99.8% (3 sigma) limits. "Worse" or "better" means outside 99.8%.
- Optional multiplicative overdispersion (the paper's section 6): phi is the mean of the
  squared z-scores after 10% winsorising at each end; when phi > 1 the limits become
  target ± z * sqrt(phi * V(target) / n) (normal approximation, as the paper uses).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVELS = {"95": (0.025, 0.975), "99.8": (0.001, 0.999)}
PER_RATE = 10_000  # rates are per 10,000 children


def _interpolated(ppf, cdf, p: float, params: tuple) -> np.ndarray:
    """Spiegelhalter's interpolated p-quantile of a discrete distribution, in counts, for
    arrays of parameters at once (scipy's ppf/cdf broadcast over them)."""
    r = ppf(p, *params)
    upper = cdf(r, *params)
    lower = np.where(r > 0, cdf(r - 1, *params), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(upper > lower, (upper - p) / (upper - lower), 0.0)
    return np.maximum(r - alpha, 0.0)


def binomial_limits(p0: float, n, prob: float) -> np.ndarray:
    """Proportions (0-1) at the ``prob`` quantile for denominators ``n`` (NaN where n <= 0)."""
    n = np.atleast_1d(np.asarray(n, dtype=float))
    if not 0 <= p0 <= 1 or math.isnan(p0):
        return np.full(n.shape, np.nan)
    whole = np.where(n > 0, np.round(n), 1)
    counts = _interpolated(stats.binom.ppf, stats.binom.cdf, prob, (whole, p0))
    return np.where(n > 0, counts / whole, np.nan)


def poisson_limits(rate0: float, exposure, prob: float) -> np.ndarray:
    """Rates per unit of exposure at the ``prob`` quantile (Poisson, mean rate0*exposure)."""
    exposure = np.atleast_1d(np.asarray(exposure, dtype=float))
    if rate0 < 0 or math.isnan(rate0):
        return np.full(exposure.shape, np.nan)
    safe = np.where(exposure > 0, exposure, 1.0)
    counts = _interpolated(stats.poisson.ppf, stats.poisson.cdf, prob, (rate0 * safe,))
    return np.where(exposure > 0, counts / safe, np.nan)


def binomial_limit(p0: float, n: float, prob: float) -> float:
    return float(binomial_limits(p0, [n], prob)[0])


def poisson_limit(rate0: float, exposure: float, prob: float) -> float:
    return float(poisson_limits(rate0, [exposure], prob)[0])


@dataclass(frozen=True)
class Funnel:
    unit: str  # percent | rate
    target: float  # the partnership's value, in the unit shown (0-100, or per 10,000)
    phi: float = 1.0  # overdispersion factor (1: none)

    def _scale(self) -> float:
        return 100.0 if self.unit == "percent" else float(PER_RATE)

    def limit_array(self, denominators, prob: float) -> np.ndarray:
        """Limits in the unit shown for many denominators (NaN where there is none)."""
        n = np.atleast_1d(np.asarray(denominators, dtype=float))
        n = np.where(np.isnan(n), 0.0, n)
        theta = self.target / self._scale()
        if self.phi > 1:
            z = float(stats.norm.ppf(prob))
            variance = theta * (1 - theta) if self.unit == "percent" else theta
            with np.errstate(divide="ignore", invalid="ignore"):
                out = theta + z * np.sqrt(self.phi * variance / n)
            return np.where(n > 0, out * self._scale(), np.nan)
        if self.unit == "percent":
            return binomial_limits(theta, n, prob) * self._scale()
        return poisson_limits(theta, n, prob) * self._scale()

    def limit(self, denominator: float, prob: float) -> float:
        """A limit in the unit shown, for one denominator (children, records or population)."""
        if denominator is None:
            return math.nan
        return float(self.limit_array([denominator], prob)[0])

    def limits(self, denominator: float) -> dict[str, float]:
        return {f"{side}_{name}": self.limit(denominator, p)
                for name, (lo, hi) in LEVELS.items() for side, p in (("lower", lo), ("upper", hi))}

    def limit_table(self, denominators) -> dict[str, np.ndarray]:
        """Every limit for many denominators at once (the funnel's curves)."""
        return {f"{side}_{name}": self.limit_array(denominators, p)
                for name, (lo, hi) in LEVELS.items() for side, p in (("lower", lo), ("upper", hi))}

    def verdicts(self, values, denominators) -> list[str]:
        """Each value's place: 'above 99.8%', 'above 95%', 'within', 'below 95%',
        'below 99.8%', or '' where there is no value or no denominator."""
        v = np.asarray(values, dtype=float)
        n = np.asarray(denominators, dtype=float)
        lim = self.limit_table(n)
        out = []
        for i in range(len(v)):
            if np.isnan(v[i]) or np.isnan(n[i]) or n[i] <= 0:
                out.append("")
            elif v[i] > lim["upper_99.8"][i]:
                out.append("above 99.8%")
            elif v[i] < lim["lower_99.8"][i]:
                out.append("below 99.8%")
            elif v[i] > lim["upper_95"][i]:
                out.append("above 95%")
            elif v[i] < lim["lower_95"][i]:
                out.append("below 95%")
            else:
                out.append("within")
        return out

    def verdict(self, value: float, denominator: float) -> str:
        if value is None or denominator is None:
            return ""
        return self.verdicts([value], [denominator])[0]


def z_scores(unit: str, target: float, values, denominators) -> np.ndarray:
    """Each unit's z-score under the null (binomial or Poisson variance at the target)."""
    scale = 100.0 if unit == "percent" else float(PER_RATE)
    theta = target / scale
    y = np.asarray(values, dtype=float) / scale
    n = np.asarray(denominators, dtype=float)
    variance = theta * (1 - theta) if unit == "percent" else theta
    with np.errstate(divide="ignore", invalid="ignore"):
        return (y - theta) / np.sqrt(variance / n)


def overdispersion(unit: str, target: float, values, denominators,
                   winsor: float = 0.10) -> float:
    """phi from 10%-winsorised z-scores (mean of squares); 1 when there is too little data."""
    z = z_scores(unit, target, values, denominators)
    z = z[np.isfinite(z)]
    if len(z) < 2:
        return 1.0
    low, high = np.quantile(z, [winsor, 1 - winsor])
    return float(np.mean(np.clip(z, low, high) ** 2))


def judged(verdict: str, polarity: str) -> str:
    """A verdict in the board's words: worse / better only outside 99.8%."""
    if not verdict:
        return "not compared"
    if verdict == "within":
        return "as expected"
    high = verdict.startswith("above")
    strong = verdict.endswith("99.8%")
    if polarity not in ("higher", "lower"):
        word = "higher" if high else "lower"
        return f"{word} than expected" if strong else f"{word} (outside 95% only)"
    good = high == (polarity == "higher")
    if strong:
        return "better" if good else "worse"
    return "possibly better (outside 95% only)" if good else "possibly worse (outside 95% only)"
