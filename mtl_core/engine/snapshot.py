"""Snapshot: the state of training at one moment, for R runs at once (arrays have a leading run axis)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

OK, DIVERGED = "ok", "diverged"
# run totals of the recorded gradient conflict (Snapshot.extra_metrics, (R,) each, and results.csv columns):
# mean cosine between task gradients, share of steps where it is < 0, and the same for the applied update
CONFLICT_METRICS = ("cos_before_mean", "conflict_share", "cos_after_mean", "conflict_share_after")


@dataclass
class Snapshot:
    step: int
    epoch: float  # fractional epochs done
    total_steps: int
    epochs: int
    epoch_end: bool
    done: bool
    elapsed_s: float
    samples_per_s: float  # training throughput over all runs, evaluation excluded
    lr: float
    device: str
    tasks: tuple[str, ...]
    task_kinds: tuple[str, ...]
    seeds: tuple[int, ...]
    train_loss: np.ndarray  # (R, T) mean since the previous snapshot (NaN at step 0)
    val_loss: np.ndarray  # (R, T) MSE for regression, logloss for binary, over the task's space
    val_auc: np.ndarray  # (R, T) NaN for regression tasks
    weights: np.ndarray  # (R, T) mean task weight applied since the previous snapshot
    gates: dict[str, np.ndarray]  # gate -> (R, E_gate) mean gate weights on the validation set
    gate_entropy: dict[str, np.ndarray]  # gate -> (R,) mean entropy (nats)
    grad_cosine: np.ndarray | None  # (R, T, T) on shared parameters; None when nothing is shared
    status: np.ndarray = None  # (R,) "ok" | "diverged"
    diverged_step: np.ndarray = None  # (R,) step at which a run's loss became NaN/inf, -1 if never
    collapsed: np.ndarray = None  # (R, T) the task's validation prediction is constant (a dead tower)
    weighting_state: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. UW's sigma2 (R, T)
    extra_metrics: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (R,)
    trained_as: dict[str, str] = field(default_factory=dict)  # tasks whose train loss is another quantity
    baseline_val_loss: np.ndarray | None = None  # (R, T) single-task baseline, when trained
    baseline_val_auc: np.ndarray | None = None
    test_loss: np.ndarray | None = None  # (R, T) on the test split: final snapshot only
    test_auc: np.ndarray | None = None
    baseline_test_loss: np.ndarray | None = None
    baseline_test_auc: np.ndarray | None = None
    # per-step gradient conflict since the previous snapshot (only when the trainer records it): "step" (S,),
    # "cos_before" (R, S) the smallest cosine between task gradients on the shared parameters, "cos_after"
    # (R, S) the smallest cosine between the gradient the weighting applied and a task's gradient
    conflict: dict[str, np.ndarray] = field(default_factory=dict)
    train_cpu_s: float = 0.0  # CPU seconds of the optimisation steps so far (engine.stacked.cpu_time; evaluation
    #                           and conflict recording excluded): compares strategies' costs on a shared CPU
    # per run, the expert-health report (mtl_core.experts.ExpertHealth.to_dict()) or None; the whole field is None
    # at snapshots that did not measure it and for models without gated experts (engine/health.py says when)
    expert_health: list[dict | None] | None = None

    @property
    def n_runs(self) -> int:
        return len(self.seeds)
