"""Sweeps: many seeds x task correlations x architectures, each architecture as ONE batched model.

All (rho, seed) runs of an architecture train together through the engine's run axis, so a sweep of
3 rhos x 20 seeds costs about as much as a few single runs. Every weighting strategy supports the run
axis (gradient methods compute per-run gradients inside the batch), so nothing falls back to sequential.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import pandas as pd

from ..config import ExperimentConfig
from ..train import RunSpec, train


def run_grid(cfg: ExperimentConfig, rhos: Sequence[float | None], seeds: Sequence[int], max_batch: int = 256,
             on_progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Train cfg for every (rho, seed); one row per run and task with its final validation metrics.

    rho None keeps the config's data; otherwise it overrides data.rho for that run.
    """
    cfg = cfg.with_changes(**{"train.snapshots_per_epoch": 1})  # only the final numbers are kept
    grid = [(rho, s) for rho in rhos for s in seeds]
    rows = []
    for i in range(0, len(grid), max_batch):
        chunk = grid[i:i + max_batch]
        runs = [RunSpec(s, {} if rho is None else {"rho": rho}) for rho, s in chunk]
        first = final = None
        last_step = 0
        for snap in train(cfg, runs):
            first = first or snap
            final = snap
            if on_progress:
                on_progress(snap.step - last_step)
            last_step = snap.step
        pearson = first.extra_metrics.get("label_pearson", np.full(len(runs), np.nan))
        for r, (rho, seed) in enumerate(chunk):
            for t, task in enumerate(final.tasks):
                rows.append(dict(arch=cfg.model.id, weighting=cfg.weighting.id,
                                 rho=cfg.data.params.get("rho", np.nan) if rho is None else rho,
                                 seed=seed, task=task, val_loss=float(final.val_loss[r, t]),
                                 val_auc=float(final.val_auc[r, t]), label_pearson=float(pearson[r]),
                                 batched_runs=len(runs), samples_per_s=final.samples_per_s))
    return pd.DataFrame(rows)


def total_steps(cfg: ExperimentConfig, n_train: int) -> int:
    return -(-n_train // cfg.train.batch_size) * cfg.train.epochs
