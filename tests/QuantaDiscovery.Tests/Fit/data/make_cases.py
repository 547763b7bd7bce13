# Reference fits from NumPy/SciPy for FitReferenceTests. Re-run from the repository root with:
#   /usr/bin/python3 tests/QuantaDiscovery.Tests/Fit/data/make_cases.py
# (Debian python3-numpy / python3-scipy / python3-mpmath); it rewrites cases.json next to this script.
import json
import os

import mpmath
import numpy as np
from scipy import optimize, special, stats

rng = np.random.default_rng(20230328)


def power_case(name, x, y):
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    reg = stats.linregress(np.log(x), np.log(y))
    a = float(np.exp(intercept))
    return dict(name=name, form="power", x=x.tolist(), y=y.tolist(),
                expected=dict(alpha=float(-slope), alpha_se=float(reg.stderr), a=a,
                              a_se=float(a * reg.intercept_stderr)))


def power_offset_case(name, x, y, p0):
    def model(x, a, alpha, c):
        return a * x ** (-alpha) + c
    popt, pcov = optimize.curve_fit(model, x, y, p0=p0, absolute_sigma=False, maxfev=100000)
    perr = np.sqrt(np.diag(pcov))
    return dict(name=name, form="power-offset", x=x.tolist(), y=y.tolist(),
                expected=dict(a=float(popt[0]), alpha=float(popt[1]), c=float(popt[2]),
                              a_se=float(perr[0]), alpha_se=float(perr[1]), c_se=float(perr[2])))


def discrete_mle(values, xmin):
    """Clauset, Shalizi & Newman (2009) eq. 3.5 (exact discrete MLE) and eq. 3.6 (its standard error)."""
    tail = values[values >= xmin].astype(float)
    n, sum_log = len(tail), np.log(tail).sum()
    nll = lambda a: n * np.log(special.zeta(a, xmin)) + a * sum_log
    alpha = optimize.minimize_scalar(nll, bounds=(1 + 1e-6, 20), method="bounded",
                                     options=dict(xatol=1e-12)).x
    z = mpmath.zeta(alpha, xmin)
    z1 = mpmath.zeta(alpha, xmin, derivative=1)
    z2 = mpmath.zeta(alpha, xmin, derivative=2)
    se = 1 / np.sqrt(n * float(z2 / z - (z1 / z) ** 2))
    unique = np.unique(tail)
    empirical = np.searchsorted(np.sort(tail), unique, side="right") / n
    model = 1 - special.zeta(alpha, unique + 1) / special.zeta(alpha, xmin)
    ks = float(np.max(np.abs(empirical - model)))
    return dict(alpha=float(alpha), alpha_se=float(se), x_min=int(xmin), tail_count=int(n), ks_distance=ks)


def zipf_case(name, counts, first_rank, last_rank, fixed_xmin, minimum_tail=10):
    ranked = np.sort(counts)[::-1].astype(float)
    ranks = np.arange(first_rank, last_rank + 1, dtype=float)
    slope, intercept = np.polyfit(np.log(ranks), np.log(ranked[first_rank - 1:last_rank]), 1)
    candidates = [v for v in np.unique(counts) if (counts >= v).sum() >= minimum_tail]
    fits = [discrete_mle(counts, v) for v in candidates]
    best = min(fits, key=lambda f: f["ks_distance"])
    return dict(name=name, form="zipf", y=counts.astype(float).tolist(), first_rank=first_rank, last_rank=last_rank,
                fixed_xmin=int(fixed_xmin),
                expected=dict(alpha=float(-slope), a=float(np.exp(intercept)),
                              mle_fixed=discrete_mle(counts, fixed_xmin), mle_ks=best))


x = np.logspace(6, 10, 12)
cases = [
    power_case("power-exact", x, 9.3 * x ** -0.076),
    power_case("power-noisy", x, 9.3 * x ** -0.076 * np.exp(rng.normal(0, 0.02, x.size))),
    power_offset_case("power-offset-exact", x, 40.0 * x ** -0.3 + 1.7, p0=(10, 0.2, 1)),
    power_offset_case("power-offset-noisy", x, 40.0 * x ** -0.3 + 1.7 + rng.normal(0, 0.005, x.size), p0=(10, 0.2, 1)),
    zipf_case("zipf-sizes", rng.zipf(2.2, 600), first_rank=10, last_rank=100, fixed_xmin=3),
]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json")
with open(path, "w") as f:
    json.dump(cases, f, indent=1)
print(f"wrote {len(cases)} cases to {path}")
for c in cases:
    print(c["name"], c["expected"])
