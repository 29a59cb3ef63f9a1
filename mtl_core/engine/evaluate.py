"""Metrics of a split for R runs: loss and AUC per task over its sample space, entire-space AUCs,
mean gate weights, and whether a task collapsed to a constant prediction."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..metrics import auc, gate_entropy
from ..models.base import elementwise_loss
from .data import StackedSplit

COLLAPSE_RATIO = 0.01  # prediction std below 1% of the label std: the task predicts a constant


@dataclass
class Evaluation:
    loss: np.ndarray  # (R, T)
    auc: np.ndarray  # (R, T), NaN for regression
    gates: dict[str, np.ndarray]  # gate -> (R, E)
    entropy: dict[str, np.ndarray]  # gate -> (R,)
    extra: dict[str, np.ndarray]  # e.g. "cvr_auc_all" -> (R,)
    collapsed: np.ndarray  # (R, T) bool


def _std(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Std over N of (R, N) values where mask is 1 -> (R,)."""
    n = mask.sum(1).clamp_min(1)
    mean = (values * mask).sum(1) / n
    return (((values - mean[:, None]) ** 2 * mask).sum(1) / n).sqrt()


def evaluate(preds: dict[str, torch.Tensor], gates: dict[str, torch.Tensor], split: StackedSplit,
             tasks: tuple[str, ...], kinds: tuple[str, ...], entire_space: dict[str, str]) -> Evaluation:
    """preds {task: (R, N)}, gates {gate: (R, N, E)} over the whole split."""
    R, T = split.y.shape[0], len(tasks)
    loss, aucs = np.full((R, T), np.nan), np.full((R, T), np.nan)
    collapsed = np.zeros((R, T), dtype=bool)
    for t, (name, kind) in enumerate(zip(tasks, kinds)):
        p, y, m = preds[name], split.y[..., t], split.mask[..., t]  # (R, N) each
        loss[:, t] = ((elementwise_loss(kind, p, y) * m).sum(1) / m.sum(1).clamp_min(1)).cpu().numpy()
        label_std = _std(y, m)
        collapsed[:, t] = ((_std(p, m) < COLLAPSE_RATIO * label_std) & (label_std > 0)).cpu().numpy()
        if kind == "binary":
            pn, yn, mn = p.cpu().numpy(), y.cpu().numpy(), m.cpu().numpy() > 0.5
            aucs[:, t] = [auc(pn[r][mn[r]], yn[r][mn[r]]) for r in range(R)]
    extra = {}
    for task, key in entire_space.items():  # e.g. CVR AUC over all impressions (counterfactual labels)
        if key in split.extra and task in preds:
            pn, yn = preds[task].cpu().numpy(), split.extra[key].cpu().numpy()
            extra[f"{task}_auc_all"] = np.array([auc(pn[r], yn[r]) for r in range(R)])
    return Evaluation(loss, aucs, {g: w.mean(1).cpu().numpy() for g, w in gates.items()},
                      {g: gate_entropy(w).cpu().numpy() for g, w in gates.items()}, extra, collapsed)
