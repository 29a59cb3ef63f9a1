"""Studies on the feed world (`mtl_core.data.feed`): expert collapse, sparse tasks, the seesaw over five tasks.

Every architecture trains its seeds as one batched model (`Trainer`) on the same data draws (the data
depend on the seed only), so any two architectures, or an architecture and the single-task models, are
compared seed by seed with the one statistics rule (`mtl_core.stats.paired`).

    collapse   MMoE against HoME in a regime that hurts ReLU experts (`COLLAPSE_REGIME`): per run, the
               experts flagged collapsed and the mean share of dead units (`engine.health.HEALTH_METRICS`)
    sparse     the rare tasks' (like, follow, share) test AUC of each architecture against single-task models
    seesaw     per task, one architecture's MTL gain over single-task models: AUC difference for binary
               tasks, single − MTL test loss for the watch-time share (positive = MTL better)

`run_archs` is the shared runner; results are tidy frames (one row per architecture, seed and task) that
`benchmarks/feed_studies.py` writes and the lesson quotes.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import from_flat
from ..data.feed import RARE, TASKS
from ..engine.health import HEALTH_METRICS
from ..presets import COLLAPSE_WORLD, FEED_WORLD
from ..stats import paired
from ..train import RunSpec, Trainer

# A small, quick feed world (20k impressions, 2,000 users and items): the presets' (`FEED_WORLD`).
FEED_BASE: dict[str, Any] = {**FEED_WORLD, "train.baseline": False}
# Expert collapse: the presets' regime (`COLLAPSE_WORLD`, chosen on seeds 100-109 among `COLLAPSE_SEARCH`):
# three-layer experts trained with Adam at 0.05 on 7,000 training impressions; MMoE with 16 ReLU experts against
# HoME at its defaults (2 shared, 1 per group and 1 per task per level: 13 normalised Swish experts).
COLLAPSE_REGIME: dict[str, Any] = {**COLLAPSE_WORLD, "train.baseline": False}
COLLAPSE_ARCHS: dict[str, dict[str, Any]] = {"mmoe": {}, "home": {}}  # MMoE's 16 experts are in the regime
_SMALL = {**FEED_BASE, "data.n_impressions": 10_000, "train.batch_size": 128, "train.epochs": 6,
          "model.n_experts": 16}
_LARGE = {**FEED_BASE, "train.epochs": 6, "model.n_experts": 16}  # the other presets' 20,000 impressions, batch 256
# The regimes tried (`benchmarks/feed_studies.py regimes`); what each showed:
# assets/experiments/feed_collapse_regimes.csv
COLLAPSE_SEARCH: dict[str, dict[str, Any]] = {
    "Adam 0.003, experts (32, 32)": {**_SMALL, "train.lr": 0.003, "model.expert_units": (32, 32)},
    "Adam 0.05, experts (32, 32)": {**_SMALL, "train.lr": 0.05, "model.expert_units": (32, 32)},
    "Adam 0.05, experts (32, 32, 32)": COLLAPSE_REGIME,
    "20k impressions, Adam 0.05, experts (32, 32)": {**_LARGE, "train.lr": 0.05, "model.expert_units": (32, 32)},
    "20k impressions, Adam 0.1, experts (32, 32)": {**_LARGE, "train.lr": 0.1, "model.expert_units": (32, 32)},
    "20k impressions, Adam 0.1, 8 experts (8, 8)": {**_LARGE, "train.lr": 0.1, "model.expert_units": (8, 8),
                                                   "model.n_experts": 8},
    "20k impressions, Adam 0.05, 8 experts (16, 16)": {**_LARGE, "train.lr": 0.05, "model.expert_units": (16, 16),
                                                       "model.n_experts": 8},
    "20k impressions, Adam 0.05, batch 64, experts (32, 32)": {**_LARGE, "train.lr": 0.05, "train.batch_size": 64,
                                                               "model.expert_units": (32, 32)},
    "20k impressions, Adam 0.02, 12 epochs, experts (32, 32)": {**_LARGE, "train.lr": 0.02, "train.epochs": 12,
                                                                "model.expert_units": (32, 32)},
    "20k impressions, Adam 0.003, experts (32, 32)": {**_LARGE, "train.lr": 0.003, "model.expert_units": (32, 32)},
    "20k impressions, Adam 0.003, 8 experts (8, 8)": {**_LARGE, "train.lr": 0.003, "model.expert_units": (8, 8),
                                                      "model.n_experts": 8},
}
SPARSE_ARCHS = ("single_task", "shared_bottom", "mmoe", "ple", "adatt", "home")


def run_archs(flat: Mapping[str, Any], archs: Mapping[str, Mapping[str, Any]] | Sequence[str], seeds: Sequence[int],
              progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Train each architecture (id, or {id: its own overrides}) over `seeds`; one row per (arch, seed, task):
    test_auc, test_loss, val_auc, val_loss, status, and the per-run expert-health totals (NaN without experts)."""
    archs = {a: {} for a in archs} if not isinstance(archs, Mapping) else archs
    rows = []
    for arch, own in archs.items():
        if progress:
            progress(arch)
        keep = {k: v for k, v in flat.items() if not k.startswith("model.") or _accepts(arch, k)}
        cfg = from_flat({**keep, "model": arch, **own})
        final = list(Trainer(cfg, [RunSpec(s) for s in seeds], probe_cosine=False))[-1]
        for r, seed in enumerate(final.seeds):
            for t, (task, kind) in enumerate(zip(final.tasks, final.task_kinds)):
                row = dict(arch=arch, seed=int(seed), task=task, kind=kind, status=str(final.status[r]),
                           test_auc=float(final.test_auc[r, t]), test_loss=float(final.test_loss[r, t]),
                           val_auc=float(final.val_auc[r, t]), val_loss=float(final.val_loss[r, t]))
                row.update({k: float(final.extra_metrics[k][r]) if k in final.extra_metrics else np.nan
                            for k in HEALTH_METRICS})
                rows.append(row)
    return pd.DataFrame(rows)


def _accepts(arch: str, key: str) -> bool:
    from ..models import ARCHITECTURES

    return key.split(".", 1)[1] in {p.name for p in ARCHITECTURES[arch].params}


def per_seed(df: pd.DataFrame, arch: str, column: str, task: str | None = None) -> pd.Series:
    """column of `arch`, one value per seed (the first task's row for per-run columns)."""
    sub = df[df["arch"] == arch]
    sub = sub[sub["task"] == (task or sub["task"].iloc[0])]
    return sub.set_index("seed")[column].sort_index()


def compare(df: pd.DataFrame, a: str, b: str, column: str, higher_is_better: bool, task: str | None = None):
    """stats.paired of a against b on `column`, over the seeds both have."""
    x, y = per_seed(df, a, column, task), per_seed(df, b, column, task)
    seeds = x.index.intersection(y.index)
    return paired(x[seeds].to_numpy(), y[seeds].to_numpy(), higher_is_better)


COLLAPSE_METRICS = (("experts_dead_share", False), ("experts_collapsed", False), ("experts_dead", False),
                    ("experts_unused", False))


def collapse_table(df: pd.DataFrame, a: str = "mmoe", b: str = "home", tasks: Sequence[str] = ()) -> pd.DataFrame:
    """Per health metric (and, for each of `tasks`, its test AUC if binary and its test loss): mean of a, mean
    of b, and the verdict of b against a (fewer / less is better for health; `effect`, `low`, `high`: b's
    advantage, positive = b better)."""
    rows = []
    checks = [(m, hib, None) for m, hib in COLLAPSE_METRICS]
    for task in tasks:  # ranking (AUC) and calibration (log loss) of a binary task, the loss of a regression
        if df[df["task"] == task]["kind"].iloc[0] == "binary":
            checks.append(("test_auc", True, task))
        checks.append(("test_loss", False, task))
    for metric, higher, task in checks:
        p = compare(df, b, a, metric, higher, task)
        rows.append({"metric": metric if task is None else f"{metric}:{task}",
                     a: per_seed(df, a, metric, task).mean(), b: per_seed(df, b, metric, task).mean(),
                     "effect": p.mean, "low": p.low, "high": p.high, "agree": p.agree, "n": p.n,
                     "verdict": f"{b} {p.text(pct=False)}", "word": p.word})
    return pd.DataFrame(rows)


def gain_table(df: pd.DataFrame, arch: str, baseline: str = "single_task", tasks: Sequence[str] = TASKS
               ) -> pd.DataFrame:
    """Per task: MTL gain of `arch` over `baseline` (AUC for binary tasks, test-loss reduction for regression),
    with its 95 % interval and verdict."""
    rows = []
    for task in tasks:
        kind = df[(df["task"] == task)]["kind"].iloc[0]
        column, higher = ("test_auc", True) if kind == "binary" else ("test_loss", False)
        p = compare(df, arch, baseline, column, higher, task)
        rows.append({"arch": arch, "task": task, "metric": column, "gain": p.mean, "low": p.low, "high": p.high,
                     "agree": p.agree, "n": p.n, "word": p.word, "text": p.text(pct=False),
                     arch + "_mean": per_seed(df, arch, column, task).mean(),
                     baseline + "_mean": per_seed(df, baseline, column, task).mean()})
    return pd.DataFrame(rows)


def sparse_table(df: pd.DataFrame, baseline: str = "single_task", tasks: Sequence[str] = RARE) -> pd.DataFrame:
    """The rare tasks' test AUC gain of every architecture over single-task models."""
    archs = [a for a in dict.fromkeys(df["arch"]) if a != baseline]
    return pd.concat([gain_table(df, a, baseline, tasks) for a in archs], ignore_index=True)
