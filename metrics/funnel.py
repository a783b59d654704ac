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


def _interpolated(distribution, p: float) -> float:
    """Spiegelhalter's interpolated quantile of a discrete distribution, in counts."""
    r = float(distribution.ppf(p))
    upper = float(distribution.cdf(r))
    lower = float(distribution.cdf(r - 1)) if r > 0 else 0.0
    if upper == lower:
        return r
    alpha = (upper - p) / (upper - lower)
    return max(r - alpha, 0.0)


def binomial_limit(p0: float, n: float, prob: float) -> float:
    """The proportion (0-1) at the ``prob`` quantile for a denominator ``n``."""
    if n <= 0 or not 0 <= p0 <= 1 or math.isnan(p0):
        return math.nan
    n = int(round(n))
    return _interpolated(stats.binom(n, p0), prob) / n


def poisson_limit(rate0: float, exposure: float, prob: float) -> float:
    """The rate per unit of exposure at the ``prob`` quantile (Poisson, mean rate0*exposure)."""
    if exposure <= 0 or rate0 < 0 or math.isnan(rate0):
        return math.nan
    return _interpolated(stats.poisson(rate0 * exposure), prob) / exposure


@dataclass(frozen=True)
class Funnel:
    unit: str  # percent | rate
    target: float  # the partnership's value, in the unit shown (0-100, or per 10,000)
    phi: float = 1.0  # overdispersion factor (1: none)

    def _scale(self) -> float:
        return 100.0 if self.unit == "percent" else float(PER_RATE)

    def limit(self, denominator: float, prob: float) -> float:
        """A limit in the unit shown, for one denominator (children, records or population)."""
        if denominator is None or math.isnan(denominator) or denominator <= 0:
            return math.nan
        theta = self.target / self._scale()
        if self.phi > 1:
            z = float(stats.norm.ppf(prob))
            variance = theta * (1 - theta) if self.unit == "percent" else theta
            return (theta + z * math.sqrt(self.phi * variance / denominator)) * self._scale()
        if self.unit == "percent":
            return binomial_limit(theta, denominator, prob) * self._scale()
        return poisson_limit(theta, denominator, prob) * self._scale()

    def limits(self, denominator: float) -> dict[str, float]:
        return {f"{side}_{name}": self.limit(denominator, p)
                for name, (lo, hi) in LEVELS.items() for side, p in (("lower", lo), ("upper", hi))}

    def verdict(self, value: float, denominator: float) -> str:
        """'above 99.8%', 'above 95%', 'within', 'below 95%', 'below 99.8%' or '' (no limits)."""
        if value is None or math.isnan(value) or not denominator or denominator <= 0:
            return ""
        bounds = self.limits(denominator)
        if value > bounds["upper_99.8"]:
            return "above 99.8%"
        if value < bounds["lower_99.8"]:
            return "below 99.8%"
        if value > bounds["upper_95"]:
            return "above 95%"
        if value < bounds["lower_95"]:
            return "below 95%"
        return "within"


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
