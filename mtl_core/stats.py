"""The one statistics rule behind every verdict in the app and the CLI.

A claim compares two things over the same seeds ("UW beats EW on task1", "MMoE degrades less than
Shared-Bottom"). Each seed gives one paired difference, oriented so that positive means *a is better*.
We report:

- the mean paired effect, absolute and relative to b's mean;
- its 95 % confidence interval: a percentile bootstrap over seeds for n < 20 (fixed generator, so the same
  numbers always give the same verdict), Student's t for n >= 20 where the bootstrap adds nothing;
- how many seeds agree in sign.

The wording follows the interval and nothing else: "better" or "worse" only when the interval excludes 0,
otherwise "too few seeds to tell" (below 3 seeds there is no interval at all). So a 5-of-5 win can still read
"too few seeds to tell" when its spread is large, but then the interval printed beside it says why, and no
page says "not significant" next to numbers that look like a clear win without showing that interval.
An equality claim ("MMoE ≈ OMoE at ρ = 1") holds only when the whole interval lies within a stated margin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np

MIN_SEEDS = 3  # below this an interval over seeds means nothing
T_FROM = 20  # from this many seeds on, the t interval (the bootstrap's percentile interval is too narrow below)
N_BOOT = 10_000
LEVEL = 0.95
Word = Literal["better", "worse", "unclear"]


@dataclass(frozen=True)
class Paired:
    """A paired comparison of a against b over n seeds; every effect is oriented so positive = a better."""

    n: int
    mean: float  # mean paired improvement of a over b (in the metric's units)
    low: float  # 95 % interval of `mean`
    high: float
    rel: float  # mean improvement relative to |mean of b| (0.53 = 53 % better); nan when b's mean is 0
    rel_low: float
    rel_high: float
    agree: int  # seeds on which a is better
    method: str  # "bootstrap", "t" or "none"

    @property
    def word(self) -> Word:
        if self.n < MIN_SEEDS or not (self.low > 0 or self.high < 0):
            return "unclear"
        return "better" if self.low > 0 else "worse"

    def within(self, margin_rel: float) -> bool:
        """True when the whole relative interval lies within ±margin_rel (an equality claim holds)."""
        return self.n >= MIN_SEEDS and -margin_rel <= self.rel_low and self.rel_high <= margin_rel

    def effect_text(self, pct: bool = True) -> str:
        """"+53 % [+31, +70]" (relative) or "+0.012 [+0.004, +0.020]" (absolute)."""
        if pct and math.isfinite(self.rel):
            return f"{100 * self.rel:+.0f} % [{100 * self.rel_low:+.0f}, {100 * self.rel_high:+.0f}]"
        return f"{self.mean:+.3g} [{self.low:+.3g}, {self.high:+.3g}]"

    def text(self, pct: bool = True) -> str:
        """The English sentence every surface uses: "better on 5/5 seeds, +53 % [+31, +70]"."""
        if self.n < MIN_SEEDS:
            return f"too few seeds to tell ({self.n} seed{'s' if self.n != 1 else ''}; at least {MIN_SEEDS} needed)"
        if self.word == "better":
            return f"better on {self.agree}/{self.n} seeds, {self.effect_text(pct)}"
        if self.word == "worse":
            return f"worse on {self.n - self.agree}/{self.n} seeds, {self.effect_text(pct)}"
        return f"too few seeds to tell: better on {self.agree}/{self.n} seeds, {self.effect_text(pct)}"


def paired(a: Sequence[float], b: Sequence[float], higher_is_better: bool = False, *, seed: int = 0) -> Paired:
    """Compare a with b, paired by position (the same seed at the same index); non-finite pairs are dropped."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"paired samples need equal 1-d shapes, got {x.shape} and {y.shape}")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    sign = 1.0 if higher_is_better else -1.0
    d = sign * (x - y)  # (n,) positive = a better
    n = int(d.size)
    nan = float("nan")
    if n == 0:
        return Paired(0, nan, nan, nan, nan, nan, nan, 0, "none")
    base = abs(float(y.mean()))
    mean = float(d.mean())
    rel = mean / base if base > 0 else nan
    agree = int((d > 0).sum())
    if n < MIN_SEEDS:
        return Paired(n, mean, nan, nan, rel, nan, nan, agree, "none")
    if n >= T_FROM:
        half = _t_quantile(n - 1) * float(d.std(ddof=1)) / math.sqrt(n)
        low, high = mean - half, mean + half
        rl, rh = (low / base, high / base) if base > 0 else (nan, nan)
        return Paired(n, mean, low, high, rel, rl, rh, agree, "t")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(N_BOOT, n))  # (N_BOOT, n) resampled seeds
    boot = d[idx].mean(1)  # (N_BOOT,)
    q = [(1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100]
    low, high = (float(v) for v in np.percentile(boot, q))
    if base > 0:
        rel_boot = boot / np.abs(y[idx].mean(1)).clip(min=1e-300)  # the ratio re-estimated per resample
        rl, rh = (float(v) for v in np.percentile(rel_boot, q))
    else:
        rl = rh = nan
    return Paired(n, mean, low, high, rel, rl, rh, agree, "bootstrap")


def paired_frame(values_a: dict[int, float], values_b: dict[int, float], higher_is_better: bool = False) -> Paired:
    """`paired` over the seeds both dicts (seed -> value) have, in seed order."""
    seeds = sorted(set(values_a) & set(values_b))
    return paired([values_a[s] for s in seeds], [values_b[s] for s in seeds], higher_is_better)


def _t_quantile(df: int) -> float:
    """The two-sided 95 % quantile of Student's t (SciPy comes with scikit-learn)."""
    from scipy.stats import t

    return float(t.ppf((1 + LEVEL) / 2, df))
