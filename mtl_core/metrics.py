"""Metrics: MSE, logloss, AUC, MTL gain, gate entropy, gradient cosine. NumPy / torch in, floats out."""
from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

HIGHER_IS_BETTER = {"auc": True, "loss": False, "mse": False, "logloss": False}


def mse(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((pred - y) ** 2))


def logloss(p: np.ndarray, y: np.ndarray, eps: float = 1e-7) -> float:
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def auc(p: np.ndarray, y: np.ndarray) -> float:
    """ROC AUC; NaN when only one class is present (AUC is undefined there)."""
    if len(y) == 0 or y.min() == y.max():
        return float("nan")
    return float(roc_auc_score(y, p))


def mtl_gain(mtl: float, single: float, higher_is_better: bool) -> float:
    """PLE paper's gain: positive means multi-task learning helped this task."""
    return mtl - single if higher_is_better else single - mtl


def gate_entropy(weights: torch.Tensor) -> torch.Tensor:
    """Mean entropy (nats) of gate rows (..., B, E) over the batch: 0 = one expert, log E = uniform."""
    w = weights.clamp_min(1e-12)
    return -(w * w.log()).sum(-1).mean(-1)


def cosine_matrix(grads: torch.Tensor) -> torch.Tensor:
    """(R, T, P) per-task gradients -> (R, T, T) pairwise cosine similarities."""
    unit = grads / grads.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    return unit @ unit.transpose(1, 2)
