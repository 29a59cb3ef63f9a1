"""Metrics: AUC, gate entropy, gradient cosine. NumPy / torch in, floats out."""
from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import roc_auc_score


def auc(p: np.ndarray, y: np.ndarray) -> float:
    """ROC AUC; NaN when only one class is present or a prediction is not finite (a diverged run)."""
    if len(y) == 0 or y.min() == y.max() or not np.isfinite(p).all():
        return float("nan")
    return float(roc_auc_score(y, p))


def gate_entropy(weights: torch.Tensor) -> torch.Tensor:
    """Mean entropy (nats) of gate rows (..., B, E) over the batch: 0 = one expert, log E = uniform."""
    w = weights.clamp_min(1e-12)
    return -(w * w.log()).sum(-1).mean(-1)


def cosine_matrix(grads: torch.Tensor) -> torch.Tensor:
    """(R, T, P) per-task gradients -> (R, T, T) pairwise cosine similarities."""
    unit = grads / grads.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    return unit @ unit.transpose(1, 2)
