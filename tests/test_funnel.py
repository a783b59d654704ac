"""Funnel limits (metrics/funnel.py) against an independent reading of Spiegelhalter (2005):
exact binomial / Poisson CDFs summed term by term in plain Python (log space), the
p-quantile found by walking the CDF, then the paper's interpolation between integers."""

from __future__ import annotations

import math

import pytest

from metrics.funnel import Funnel, binomial_limit, judged, overdispersion, poisson_limit


def _binomial_pmf(n: int, p: float, k: int) -> float:
    if p in (0.0, 1.0):
        return float(k == (0 if p == 0 else n))
    return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                    + k * math.log(p) + (n - k) * math.log1p(-p))


def _poisson_pmf(lam: float, k: int) -> float:
    if lam == 0:
        return float(k == 0)
    return math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))


def _interpolated(pmf, prob: float) -> float:
    cdf, k, previous = 0.0, 0, 0.0
    while True:
        previous, cdf = cdf, cdf + pmf(k)
        if cdf >= prob - 1e-12:
            break
        k += 1
    limit = k - (cdf - prob) / (cdf - previous) if cdf > previous else float(k)
    return max(limit, 0.0)  # a count (or proportion) below zero cannot happen


@pytest.mark.parametrize("n", [1, 2, 7, 40, 900, 25_000])
@pytest.mark.parametrize("prob", [0.001, 0.025, 0.975, 0.999])
def test_binomial_limits_are_the_papers_interpolated_quantiles(n, prob):
    p0 = 0.226
    expected = _interpolated(lambda k: _binomial_pmf(n, p0, k), prob) / n
    assert binomial_limit(p0, n, prob) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("exposure", [1, 50, 3_000, 250_000])
@pytest.mark.parametrize("prob", [0.001, 0.025, 0.975, 0.999])
def test_poisson_limits_are_the_papers_interpolated_quantiles(exposure, prob):
    rate = 40.6 / 10_000
    expected = _interpolated(lambda k: _poisson_pmf(rate * exposure, k), prob) / exposure
    assert poisson_limit(rate, exposure, prob) == pytest.approx(expected, abs=1e-12)


def test_no_denominator_no_limits_and_limits_narrow_as_it_grows():
    funnel = Funnel("percent", 22.6)
    assert all(math.isnan(v) for v in funnel.limits(0).values())
    assert funnel.verdict(50.0, 0) == ""
    widths = [funnel.limit(n, 0.999) - funnel.limit(n, 0.001) for n in (10, 100, 1_000, 100_000)]
    assert widths == sorted(widths, reverse=True)
    # at a huge denominator the limits close in on the target
    assert funnel.limit(10_000_000, 0.999) == pytest.approx(22.6, abs=0.1)


def test_verdicts_use_99_8_for_worse_and_better():
    funnel = Funnel("percent", 20.0)
    lim = funnel.limits(900)
    inside = (lim["upper_95"] + 20.0) / 2
    watch = (lim["upper_95"] + lim["upper_99.8"]) / 2
    outside = lim["upper_99.8"] + 0.5
    assert funnel.verdict(inside, 900) == "within"
    assert funnel.verdict(watch, 900) == "above 95%"
    assert funnel.verdict(outside, 900) == "above 99.8%"
    assert judged("above 99.8%", "lower") == "worse"
    assert judged("above 99.8%", "higher") == "better"
    assert judged("above 95%", "lower") == "possibly worse (outside 95% only)"
    assert judged("within", "lower") == "as expected"
    assert judged("", "lower") == "not compared"
    # a locality of 40 referrals 10 points above the partnership is noise; of 900, not
    assert funnel.verdict(30.0, 40) == "within"
    assert funnel.verdict(30.0, 900) == "above 99.8%"


def test_overdispersion_from_winsorised_z_scores():
    # z-scores by hand for 10 units: binomial variance at 20%
    values = [10.0, 12.0, 15.0, 18.0, 20.0, 22.0, 25.0, 28.0, 30.0, 45.0]
    n = [400.0] * 10
    z = [(v / 100 - 0.2) / math.sqrt(0.2 * 0.8 / 400) for v in values]
    ordered = sorted(z)
    # numpy's default quantile: linear interpolation between order statistics
    low = ordered[0] + 0.9 * (ordered[1] - ordered[0])
    high = ordered[8] + 0.1 * (ordered[9] - ordered[8])
    expected = sum(min(max(x, low), high) ** 2 for x in z) / 10
    phi = overdispersion("percent", 20.0, values, n)
    assert phi == pytest.approx(expected, rel=1e-9)
    assert phi > 1
    wider = Funnel("percent", 20.0, phi=phi).limit(400, 0.999)
    assert wider > Funnel("percent", 20.0).limit(400, 0.999)
    assert overdispersion("percent", 20.0, [20.0], [400.0]) == 1.0
