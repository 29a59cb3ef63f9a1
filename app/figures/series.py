"""Turn the snapshots of one run into plain arrays over time (run 0 of the batch), for the figures,
and those arrays into tidy long-format frames for `plotly.express`.

Pure data: no streamlit, no plotly. Figure builders take a `Series`, so tests can make one by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

SPLITS = ("validation", "train", "single-task")  # the `split` values of `loss_frame`, in drawing order


@dataclass
class Series:
    tasks: tuple[str, ...]
    kinds: tuple[str, ...]  # "regression" | "binary" per task
    epoch: np.ndarray  # (N,) fractional epochs
    train_loss: np.ndarray  # (N, T)
    val_loss: np.ndarray  # (N, T)
    val_auc: np.ndarray | None = None  # (N, T), NaN for regression tasks
    weights: np.ndarray | None = None  # (N, T)
    baseline_val_loss: np.ndarray | None = None  # (N, T)
    grad_cosine: np.ndarray | None = None  # (N, T, T)
    gates: dict[str, np.ndarray] = field(default_factory=dict)  # gate -> (N, E_gate)
    state: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. "sigma2" -> (N, T)
    epochs: int | None = None  # planned length of the run: fixes the x axis while it trains
    trained_as: dict[str, str] = field(default_factory=dict)  # task -> what its training loss measures

    def __len__(self) -> int:
        return len(self.epoch)

    @property
    def has_binary(self) -> bool:
        return "binary" in self.kinds

    def gates_at(self, i: int) -> dict[str, np.ndarray]:
        return {g: w[i] for g, w in self.gates.items()}


def _stack(rows: list, run: int) -> np.ndarray:
    return np.stack([np.asarray(r, dtype=float)[run] for r in rows])


def series_of(snaps: Sequence, run: int = 0) -> Series | None:
    """Snapshots (mtl_core.train.Snapshot) -> Series of run `run`; None when there are none."""
    if not snaps:
        return None
    first = snaps[0]
    T = len(first.tasks)
    cos = None
    if first.grad_cosine is not None and all(s.grad_cosine is not None for s in snaps):
        cos = _stack([s.grad_cosine for s in snaps], run)
    base = None
    if all(s.baseline_val_loss is not None for s in snaps):
        base = _stack([s.baseline_val_loss for s in snaps], run)
    state = {}
    for key in first.weighting_state:
        vals = [np.asarray(s.weighting_state.get(key, np.full((run + 1, T), np.nan)), dtype=float) for s in snaps]
        state[key] = np.stack([v[run].reshape(-1) if v.ndim > 1 else v.reshape(-1) for v in vals])
    return Series(
        tasks=tuple(first.tasks), kinds=tuple(first.task_kinds), trained_as=dict(first.trained_as),
        epoch=np.array([s.epoch for s in snaps], dtype=float),
        train_loss=_stack([s.train_loss for s in snaps], run),
        val_loss=_stack([s.val_loss for s in snaps], run),
        val_auc=_stack([s.val_auc for s in snaps], run),
        weights=_stack([s.weights for s in snaps], run),
        baseline_val_loss=base, grad_cosine=cos,
        gates={g: _stack([s.gates[g] for s in snaps], run) for g in first.gates},
        state=state, epochs=int(first.epochs),
    )


def loss_frame(s: Series) -> pd.DataFrame:
    """Long format (epoch, task, split, loss): split is "validation", "train" or "single-task"
    (the baseline, when trained). Rows ordered task by task, then split, then epoch."""
    parts = []
    for t, task in enumerate(s.tasks):
        arrays = (s.val_loss, s.train_loss, s.baseline_val_loss)
        for split, values in zip(SPLITS, arrays):
            if values is not None:
                parts.append(pd.DataFrame({"epoch": s.epoch, "task": task, "split": split, "loss": values[:, t]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["epoch", "task", "split", "loss"])


def auc_frame(s: Series) -> pd.DataFrame:
    """Long format (epoch, task, auc) of the binary tasks that have an AUC so far."""
    parts = []
    if s.val_auc is not None:
        for t, (task, kind) in enumerate(zip(s.tasks, s.kinds)):
            col = s.val_auc[:, t]
            if kind == "binary" and np.isfinite(col).any():
                parts.append(pd.DataFrame({"epoch": s.epoch, "task": task, "auc": col}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["epoch", "task", "auc"])


def metric_frame(runs: Sequence[tuple[str, Series]], metric: str = "val_loss") -> pd.DataFrame:
    """Long format (run, task, epoch, value) of one metric over several runs, for overlays."""
    parts = []
    for label, s in runs:
        values = s.val_auc if metric == "val_auc" else s.val_loss
        if s is None or values is None:
            continue
        for t, task in enumerate(s.tasks):
            parts.append(pd.DataFrame({"run": label, "task": task, "epoch": s.epoch, "value": values[:, t]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["run", "task", "epoch", "value"])
