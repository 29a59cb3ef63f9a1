"""Verdicts: each strategy against EW on the same architecture and seeds, per task, in numbers and a sentence."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .tables import REFERENCE, _mtl_rows, gain_metric

REL_THRESHOLD = 0.02  # a difference under 2% of the reference is "no clear difference" whatever the test says


def _t_critical(n: int) -> float:
    """Two-sided 5% critical value of Student's t with n − 1 degrees of freedom (inf below 2 runs)."""
    if n < 2:
        return math.inf
    from scipy.stats import t

    return float(t.ppf(0.975, n - 1))


@dataclass
class Verdict:
    arch: str
    weighting: str
    task: str
    metric: str
    reference: float  # EW's mean (paired seeds)
    value: float  # the strategy's mean (paired seeds)
    change_pct: float  # improvement in % of EW's value (positive = better, whatever the metric's direction)
    n: int
    effect: str  # "helps" | "hurts" | "unclear"
    single: float = float("nan")  # the single-task baseline's mean, when trained
    numbers: dict = field(default_factory=dict)


def verdicts(df: pd.DataFrame, reference: str = REFERENCE) -> list[Verdict]:
    """Each strategy against `reference` (EW) on the same architecture, per task, paired by seed: "helps" when
    the mean improvement is significant (paired t-test at 5%) and above 2% of EW's value, "hurts" in the
    opposite case, "unclear" otherwise."""
    d = _mtl_rows(df)
    out: list[Verdict] = []
    if d.empty or reference not in set(d.weighting):
        return out
    for (arch, task), g in d.groupby(["arch", "task"], sort=False):
        col, higher = gain_metric(str(g["task_kind"].iloc[0]) if "task_kind" in g else "regression")
        ref = g[g.weighting == reference].set_index("seed")[col]
        for w, gw in g[g.weighting != reference].groupby("weighting", sort=False):
            val = gw.set_index("seed")[col]
            seeds = sorted(set(ref.index) & set(val.index))
            if not seeds:
                continue
            r, v = ref.loc[seeds].to_numpy(float), val.loc[seeds].to_numpy(float)
            imp = (v - r) if higher else (r - v)  # per seed, positive = better than EW
            n = len(seeds)
            mean_imp = float(np.mean(imp))
            se = float(np.std(imp, ddof=1) / math.sqrt(n)) if n > 1 else math.inf
            rel = mean_imp / abs(float(np.mean(r))) if np.mean(r) != 0 else 0.0
            significant = se > 0 and abs(mean_imp) > _t_critical(n) * se or (se == 0 and mean_imp != 0 and n > 1)
            effect = "unclear"
            if significant and abs(rel) >= REL_THRESHOLD:
                effect = "helps" if mean_imp > 0 else "hurts"
            single = float(gw["single_task_metric"].mean()) if "single_task_metric" in gw else float("nan")
            out.append(Verdict(arch, w, task, col, float(np.mean(r)), float(np.mean(v)), 100 * rel, n, effect,
                               single, {"mean_improvement": mean_imp, "se": se}))
    return out


def verdict_frame(df: pd.DataFrame, reference: str = REFERENCE) -> pd.DataFrame:
    return pd.DataFrame([v.__dict__ for v in verdicts(df, reference)])


def summary_line(v: Verdict) -> str:
    """One English sentence with the numbers, e.g. for the CLI."""
    word = {"helps": "helps", "hurts": "hurts", "unclear": "makes no significant difference to"}[v.effect]
    return (f"{v.weighting} {word} {v.task} ({v.arch}): {v.metric} {v.reference:.4g} with EW -> {v.value:.4g} "
            f"({v.change_pct:+.1f}% vs EW, + = better), {v.n} seed{'s' if v.n != 1 else ''} paired")
