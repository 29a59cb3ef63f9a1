"""The optimiser table, for parameters stacked over R runs, with an optional learning rate per run.

Every update of Adam, AdamW and SGD with momentum is the learning rate times a direction that does not
depend on it (AdamW's decay included: p ← p − lr·(wd·p + u)). So a batch whose runs have different
learning rates steps once with lr = 1 and scales each run's change by its own rate; with one rate for
all runs the optimiser runs unchanged (bit-identical to a run trained alone).
"""
from __future__ import annotations

from typing import Sequence

import torch


class _Grouped:
    """Parameter groups as (tensors, weight decay) pairs, and zero_grad, shared by the optimisers below."""

    def __init__(self, groups, weight_decay: float):
        self.groups = [(list(g["params"]), float(g.get("weight_decay", weight_decay))) for g in groups]

    def zero_grad(self) -> None:
        for params, _ in self.groups:
            for p in params:
                p.grad = None


class _Adam(_Grouped):
    """Adam / AdamW as `torch.optim.Adam(fused=True)` computes it (the same `torch._fused_adam_` kernel, so the
    same numbers), called directly: one fused kernel per step over all tensors (3x faster than the foreach
    implementation on stacked tensors: 0.22 -> 0.07 ms for one MMoE run, 7.4 -> 2.1 ms for 200), without
    `torch.optim.Optimizer`'s per-step bookkeeping, and without its constructor's one-off import of
    torch._dynamo (about 3 s on a 2-core machine, paid by the first run of a process: a Playground's first
    chart). Devices without the fused kernel (MPS) get torch.optim's foreach Adam."""

    def __init__(self, groups, lr: float, weight_decay: float, decoupled: bool, device: torch.device):
        super().__init__(groups, weight_decay)
        self.lr, self.decoupled = lr, decoupled
        self.fallback = None
        if device.type not in ("cpu", "cuda"):
            cls = torch.optim.AdamW if decoupled else torch.optim.Adam
            self.fallback = cls(groups, lr=lr, weight_decay=weight_decay, foreach=True)
        self.state: dict[torch.Tensor, tuple] = {}

    @torch.no_grad()
    def step(self) -> None:
        if self.fallback is not None:
            self.fallback.step()
            return
        kernel = torch._fused_adamw_ if self.decoupled else torch._fused_adam_
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
            torch._foreach_add_(list(steps), 1)
            kernel(live, [p.grad for p in live], list(m), list(v), [], list(steps), amsgrad=False, lr=self.lr,
                   beta1=0.9, beta2=0.999, weight_decay=wd, eps=1e-8, maximize=False, grad_scale=None,
                   found_inf=None)


class _SGD(_Grouped):
    """SGD with momentum 0.9 as torch.optim.SGD's foreach path computes it, without torch.optim (see _Adam)."""

    def __init__(self, groups, lr: float, weight_decay: float, momentum: float = 0.9):
        super().__init__(groups, weight_decay)
        self.lr, self.momentum = lr, momentum
        self.bufs: dict[torch.Tensor, torch.Tensor] = {}

    @torch.no_grad()
    def step(self) -> None:
        for params, wd in self.groups:
            live = [p for p in params if p.grad is not None]
            if not live:
                continue
            grads = [p.grad for p in live]
            if wd != 0:
                grads = torch._foreach_add(grads, live, alpha=wd)
            if all(p in self.bufs for p in live):
                bufs = [self.bufs[p] for p in live]
                torch._foreach_mul_(bufs, self.momentum)
                torch._foreach_add_(bufs, grads, alpha=1.0)
            else:
                bufs = []
                for p, g in zip(live, grads):
                    if p not in self.bufs:
                        self.bufs[p] = torch.clone(g).detach()
                    else:
                        self.bufs[p].mul_(self.momentum).add_(g)
                    bufs.append(self.bufs[p])
            torch._foreach_add_(live, bufs, alpha=-self.lr)


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
