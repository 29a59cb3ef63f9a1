"""The optimiser table, for parameters stacked over R runs, with an optional learning rate per run.

Every update of Adam, AdamW and SGD with momentum is the learning rate times a direction that does not
depend on it (AdamW's decay included: p ← p − lr·(wd·p + u)). So a batch whose runs have different
learning rates steps once with lr = 1 and scales each run's change by its own rate; with one rate for
all runs the optimiser runs unchanged (bit-identical to a run trained alone).
"""
from __future__ import annotations

from typing import Sequence

import torch

from . import torch_fast

class _Grouped:
    """Parameter groups as (tensors, weight decay) pairs, and zero_grad, shared by the optimisers below."""

    def __init__(self, groups, weight_decay: float):
        self.groups = [(list(g["params"]), float(g.get("weight_decay", weight_decay))) for g in groups]

    def zero_grad(self) -> None:
        for params, _ in self.groups:
            for p in params:
                p.grad = None


class _Adam(_Grouped):
    """Adam / AdamW as `torch.optim.Adam(fused=True)` computes it: the same fused kernel, called directly
    (`torch_fast.adam_step`), one kernel per step over all tensors, without `torch.optim.Optimizer`'s per-step
    bookkeeping and without its constructor's one-off import of torch._dynamo (seconds, paid by the first run
    of a process: a Playground's first chart). Devices without the fused kernel (MPS), or a torch whose
    internals `torch_fast` does not find, get torch.optim's foreach Adam."""

    def __init__(self, groups, lr: float, weight_decay: float, decoupled: bool, device: torch.device):
        super().__init__(groups, weight_decay)
        self.lr, self.decoupled = lr, decoupled
        self.fallback = None
        if device.type not in ("cpu", "cuda") or not torch_fast.AVAILABLE:
            cls = torch.optim.AdamW if decoupled else torch.optim.Adam
            self.fallback = cls(groups, lr=lr, weight_decay=weight_decay, foreach=True)
        self.state: dict[torch.Tensor, tuple] = {}

    @torch.no_grad()
    def step(self) -> None:
        if self.fallback is not None:
            self.fallback.step()
            return
        for params, wd in self.groups:
            live = [p for p in params if p.grad is not None]  # like torch.optim: untouched tensors stay put
            if not live:
                continue
            for p in live:
                if p not in self.state:
                    self.state[p] = (torch.zeros_like(p, memory_format=torch.preserve_format),
                                     torch.zeros_like(p, memory_format=torch.preserve_format),
                                     torch.tensor(0.0, dtype=torch.float32, device=p.device))
            m, v, steps = zip(*(self.state[p] for p in live))
            torch_fast.adam_step(live, [p.grad for p in live], list(m), list(v), list(steps), lr=self.lr,
                                 weight_decay=wd, decoupled=self.decoupled)


class _SGD(_Grouped):
    """SGD with momentum 0.9 as torch.optim.SGD's foreach path computes it (`torch_fast.sgd_momentum_step`),
    without torch.optim (see _Adam); torch.optim.SGD itself where `torch_fast` is unavailable."""

    def __init__(self, groups, lr: float, weight_decay: float, momentum: float = 0.9):
        super().__init__(groups, weight_decay)
        self.lr, self.momentum = lr, momentum
        self.bufs: dict[torch.Tensor, torch.Tensor] = {}
        self.fallback = (None if torch_fast.AVAILABLE else
                         torch.optim.SGD(groups, lr=lr, momentum=momentum, weight_decay=weight_decay, foreach=True))

    @torch.no_grad()
    def step(self) -> None:
        if self.fallback is not None:
            self.fallback.step()
            return
        for params, wd in self.groups:
            live = [p for p in params if p.grad is not None]
            if live:
                torch_fast.sgd_momentum_step(live, [p.grad for p in live], self.bufs, lr=self.lr, weight_decay=wd,
                                             momentum=self.momentum)


OPTIMIZERS = {
    "adam": lambda groups, lr, wd, dev: _Adam(groups, lr, wd, decoupled=False, device=dev),
    "adamw": lambda groups, lr, wd, dev: _Adam(groups, lr, wd, decoupled=True, device=dev),
    "sgd": lambda groups, lr, wd, dev: _SGD(groups, lr, wd),
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
        self.opt.zero_grad()

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
