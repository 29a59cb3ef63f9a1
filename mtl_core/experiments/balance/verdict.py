"""Verdicts: each strategy against EW on the same architecture and seeds, per task, in numbers and a sentence,
by the one rule of `mtl_core.stats` (paired by seed, the effect with its 95 % interval, the seeds that agree)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...stats import Paired, paired
from .tables import REFERENCE, _mtl_rows, gain_metric

EFFECT = {"better": "helps", "worse": "hurts", "unclear": "unclear"}  # the rule's word -> the verdict's code


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
    effect: str  # "helps" | "hurts" | "unclear": the rule's word (better | worse | too few seeds to tell)
    single: float = float("nan")  # the single-task baseline's mean, when trained
    numbers: dict = field(default_factory=dict)
    low_pct: float = float("nan")  # 95 % interval of change_pct
    high_pct: float = float("nan")
    agree: int = 0  # seeds on which the strategy beat EW
    text: str = ""  # the rule's English sentence: "better on 5/5 seeds, +53 % [+31, +70]"


def verdicts(df: pd.DataFrame, reference: str = REFERENCE) -> list[Verdict]:
    """Each strategy against `reference` (EW) on the same architecture, per task, paired by seed
    (`mtl_core.stats.paired`): "helps" when the 95 % interval of the improvement lies above 0, "hurts" when
    it lies below, "unclear" (too few seeds to tell) otherwise."""
    d = _mtl_rows(df)
    out: list[Verdict] = []
    if d.empty or reference not in set(d.weighting):
        return out
    for (arch, task), g in d.groupby(["arch", "task"], sort=False):
        col, higher = gain_metric(str(g["task_kind"].iloc[0]) if "task_kind" in g else "regression")
        ref = g[g.weighting == reference].groupby("seed")[col].first()
        for w, gw in g[g.weighting != reference].groupby("weighting", sort=False):
            val = gw.groupby("seed")[col].first()
            seeds = sorted(set(ref.index) & set(val.index))
            if not seeds:
                continue
            r, v = ref.loc[seeds].to_numpy(float), val.loc[seeds].to_numpy(float)
            p: Paired = paired(v, r, higher_is_better=higher)
            single = float(gw["single_task_metric"].mean()) if "single_task_metric" in gw else float("nan")
            out.append(Verdict(arch, w, task, col, float(np.nanmean(r)), float(np.nanmean(v)), 100 * p.rel, p.n,
                               EFFECT[p.word], single, {"mean_improvement": p.mean, "low": p.low, "high": p.high,
                                                        "method": p.method},
                               100 * p.rel_low, 100 * p.rel_high, p.agree, p.text()))
    return out


def verdict_frame(df: pd.DataFrame, reference: str = REFERENCE) -> pd.DataFrame:
    return pd.DataFrame([v.__dict__ for v in verdicts(df, reference)])


def summary_line(v: Verdict) -> str:
    """One English sentence with the numbers, e.g. for the CLI:
    "uw against EW on task1 (shared_bottom): better on 5/5 seeds, +53 % [+31, +70]; test_loss 0.075 -> 0.035"."""
    return (f"{v.weighting} against EW on {v.task} ({v.arch}): {v.text}; {v.metric} {v.reference:.4g} with EW -> "
            f"{v.value:.4g} (+ = better)")
