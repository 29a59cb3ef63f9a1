"""The optimiser table, for parameters stacked over R runs, with an optional learning rate per run.

Every update of Adam, AdamW and SGD with momentum is the learning rate times a direction that does not
depend on it (AdamW's decay included: p ← p − lr·(wd·p + u)). So a batch whose runs have different
learning rates steps once with lr = 1 and scales each run's change by its own rate; with one rate for
all runs the optimiser runs unchanged (bit-identical to a run trained alone).
"""
from __future__ import annotations

from typing import Sequence

import torch


def _impl(device: torch.device) -> dict:
    """PyTorch's fused Adam (one kernel per tensor, CPU and CUDA) steps 3x faster than the foreach one on
    stacked tensors (MMoE paper size, CPU: 0.07 vs 0.22 ms for one run, 2.1 vs 7.4 ms for 200)."""
    return {"fused": True} if device.type in ("cpu", "cuda") else {"foreach": True}


OPTIMIZERS = {
    "adam": lambda groups, lr, wd, dev: torch.optim.Adam(groups, lr=lr, weight_decay=wd, **_impl(dev)),
    "adamw": lambda groups, lr, wd, dev: torch.optim.AdamW(groups, lr=lr, weight_decay=wd, **_impl(dev)),
    "sgd": lambda groups, lr, wd, dev: torch.optim.SGD(groups, lr=lr, momentum=0.9, weight_decay=wd),
}


class StackedOptimizer:
    """Wraps one torch optimiser over (R, ...) tensors; `lrs` holds each run's learning rate."""

    def __init__(self, name: str, model_params: Sequence[torch.Tensor], extra_params: Sequence[torch.Tensor],
                 lrs: Sequence[float], weight_decay: float):
        self.per_run = len(set(lrs)) > 1
        groups = [{"params": list(model_params)}]
        if extra_params:  # the weighting's own learnable state (UW's log-variances...): never decayed
            groups.append({"params": list(extra_params), "weight_decay": 0.0})
        self.tensors = [p for g in groups for p in g["params"]]
        device = self.tensors[0].device
        self.opt = OPTIMIZERS[name](groups, 1.0 if self.per_run else float(lrs[0]), weight_decay, device)
        self.lrs = torch.tensor(list(lrs), dtype=torch.float32, device=device)  # (R,)

    def zero_grad(self) -> None:
        self.opt.zero_grad(set_to_none=True)

    @torch.no_grad()
    def step(self) -> None:
        if not self.per_run:
            self.opt.step()
            return
        before = [p.detach().clone() for p in self.tensors]
        self.opt.step()
        for p, old in zip(self.tensors, before):
            scale = self.lrs.view(-1, *([1] * (p.dim() - 1))).to(p.dtype)  # (R, 1, ...)
            p.copy_(old + (p - old) * scale)
