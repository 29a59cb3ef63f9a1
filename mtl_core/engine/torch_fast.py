"""PyTorch's private fast paths, in one module, checked against the installed torch.

The engine reaches below torch's public API in two places, each proved equal to the public path by tests
(`tests/test_torch_fast.py`, `tests/test_engine_speed.py`):

* the optimisers: `torch._fused_adam_` / `torch._fused_adamw_` (the kernel `torch.optim.Adam(fused=True)`
  runs, called without `torch.optim.Optimizer`'s per-step bookkeeping and its one-off import of
  torch._dynamo) and the `torch._foreach_*` ops of SGD with momentum (`adam_step`, `sgd_momentum_step`);
* the MMoE / OMoE training body and the task losses as custom `torch.autograd.Function`s with hand-written
  backwards (`MMoEBody`, `TaskLosses`), which use `aten.threshold_backward` and
  `torch._softmax_backward_data`, the kernels autograd's own ReLU and softmax backwards run.

At import `probe()` checks that each private function used here exists and that torch's version is in the
range this module was written for; `PROBLEMS` lists what is missing, `require()` raises naming this module
and each missing piece, and `AVAILABLE` is False when anything is: the engine then uses torch.optim's
foreach Adam / SGD and autograd's graph (slower, same results up to rounding).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..models.base import EPS

MODULE = __name__
WRITTEN_FOR = ("2.4", "3.0")  # torch versions this module was written and tested for: [low, high)
NEEDED = ("_fused_adam_", "_fused_adamw_", "_foreach_add_", "_foreach_add", "_foreach_mul_", "_softmax_backward_data")


class TorchInternalsChanged(RuntimeError):
    """The installed torch lacks a private function this module calls."""


def probe() -> list[str]:
    """What this module needs and the installed torch lacks, one sentence each (empty when all is there)."""
    from packaging.version import Version

    problems = [f"torch.{name} is missing" for name in NEEDED if not hasattr(torch, name)]
    if not hasattr(torch.ops.aten, "threshold_backward"):
        problems.append("torch.ops.aten.threshold_backward is missing")
    low, high = WRITTEN_FOR
    version = torch.__version__.split("+")[0]
    if not Version(low) <= Version(version) < Version(high):
        problems.append(f"torch {version} is outside the range this module was written for (>= {low}, < {high})")
    return problems


PROBLEMS: list[str] = probe()
AVAILABLE = not PROBLEMS


def message(problems: list[str] | None = None) -> str:
    problems = PROBLEMS if problems is None else problems
    return (f"{MODULE}: the installed torch lacks what this module needs: " + "; ".join(problems)
            + ". The engine falls back to torch.optim and autograd; update this module for this torch.")


def require() -> None:
    if PROBLEMS:
        raise TorchInternalsChanged(message())


# ---- optimisers -----------------------------------------------------------------------------------------------
@torch.no_grad()
def adam_step(params: list, grads: list, exp_avgs: list, exp_avg_sqs: list, steps: list, *, lr: float,
              weight_decay: float, decoupled: bool) -> None:
    """One step of Adam (AdamW when `decoupled`) over these tensors, in place, with betas (0.9, 0.999) and eps
    1e-8: the kernel and the arithmetic of `torch.optim.Adam(fused=True)` (its step counters are float32
    scalar tensors, incremented here as torch.optim does)."""
    torch._foreach_add_(steps, 1)
    kernel = torch._fused_adamw_ if decoupled else torch._fused_adam_
    kernel(params, grads, exp_avgs, exp_avg_sqs, [], steps, amsgrad=False, lr=lr, beta1=0.9, beta2=0.999,
           weight_decay=weight_decay, eps=1e-8, maximize=False, grad_scale=None, found_inf=None)


@torch.no_grad()
def sgd_momentum_step(params: list, grads: list, bufs: dict, *, lr: float, weight_decay: float,
                      momentum: float) -> None:
    """One step of SGD with momentum over these tensors, in place, as torch.optim.SGD's foreach path
    computes it; `bufs` maps a parameter to its momentum buffer (created on its first step)."""
    if weight_decay != 0:
        grads = torch._foreach_add(grads, params, alpha=weight_decay)
    if all(p in bufs for p in params):
        momentum_bufs = [bufs[p] for p in params]
        torch._foreach_mul_(momentum_bufs, momentum)
        torch._foreach_add_(momentum_bufs, grads, alpha=1.0)
    else:
        momentum_bufs = []
        for p, g in zip(params, grads):
            if p not in bufs:
                bufs[p] = torch.clone(g).detach()
            else:
                bufs[p].mul_(momentum).add_(g)
            momentum_bufs.append(bufs[p])
    torch._foreach_add_(params, momentum_bufs, alpha=-lr)


# ---- the MMoE / OMoE body and the task losses as autograd Functions ------------------------------------------
@dataclass(frozen=True)
class Layout:
    n_expert_layers: int
    tower_linears: tuple[int, ...]  # linear layers per tower, ReLU between them, none after the last
    logit_mask: torch.Tensor | None  # (G, E) 0 / -inf, or None when every gate may pick every expert


def _relu_grad(grad: torch.Tensor, relu_out: torch.Tensor) -> torch.Tensor:
    return torch.ops.aten.threshold_backward(grad, relu_out, 0)


class MMoEBody(torch.autograd.Function):
    """apply(layout, x (R, B, D), expert weights and biases..., gate weight, gate bias, tower weights and
    biases...) -> raw tower outputs (R, T, B). Parameters come in `_parameter_names` order."""

    @staticmethod
    def forward(ctx, layout: Layout, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        L = layout.n_expert_layers
        R, B, D = x.shape
        ew, eb = params[0:2 * L:2], params[1:2 * L:2]  # (R, E, a, h), (R, E, h)
        gw, gb = params[2 * L], params[2 * L + 1]  # (R, G, D, E), (R, G, E)
        E, G = gw.shape[3], gw.shape[1]
        xT = x.transpose(1, 2)  # (R, D, B)
        W0 = ew[0].transpose(2, 3).reshape(R, -1, D)  # (R, E*h, D)
        h = torch.baddbmm(eb[0].reshape(R, -1, 1), W0, xT).relu_().view(R, E, -1, B)  # (R, E, h, B)
        experts = [h]
        for w, b in zip(ew[1:], eb[1:]):  # one input per expert: a batched matmul over runs x experts
            a, hh = w.shape[2], w.shape[3]
            h = torch.baddbmm(b.reshape(R * E, hh, 1), w.transpose(2, 3).reshape(R * E, hh, a),
                              h.reshape(R * E, a, B)).relu_().view(R, E, hh, B)
            experts.append(h)
        Gm = gw.transpose(2, 3).reshape(R, G * E, D)  # (R, G*E, D)
        logits = torch.baddbmm(gb.reshape(R, G * E, 1), Gm, xT).view(R, G, E, B)
        if layout.logit_mask is not None:
            logits = logits + layout.logit_mask[..., None]
        weights = torch.softmax(logits, dim=2)  # (R, G, E, B)
        fused = (weights.unsqueeze(3) * h.unsqueeze(1)).sum(2)  # (R, G, H, B)

        tower_params, tower_inputs, raw = params[2 * L + 2:], [], []
        i = 0
        for k, n in enumerate(layout.tower_linears):
            z = fused[:, min(k, G - 1)]  # (R, H, B)
            for j in range(n):
                tower_inputs.append(z)  # the input of every linear layer (a ReLU's output after the first)
                z = torch.baddbmm(tower_params[i + 1].unsqueeze(-1), tower_params[i], z)
                if j < n - 1:
                    z = z.relu_()
                i += 2
            raw.append(z)  # (R, 1, B)
        ctx.layout = layout
        ctx.save_for_backward(x, W0, Gm, weights, fused, *experts, *tower_inputs, *ew[1:], *tower_params[::2])
        return torch.cat(raw, 1)  # (R, T, B)

    @staticmethod
    def backward(ctx, g_raw: torch.Tensor):
        layout = ctx.layout
        L, n_in = layout.n_expert_layers, sum(layout.tower_linears)
        x, W0, Gm, weights, fused, *rest = ctx.saved_tensors
        experts, rest = rest[:L], rest[L:]
        tower_inputs, rest = rest[:n_in], rest[n_in:]
        deep_expert_w, tower_w = rest[:L - 1], rest[L - 1:]
        R, G, E, B = weights.shape

        # towers, last layer first; the gradient of the mixed representation each gate feeds, (R, G, H, B)
        tower_grads, d_fused = [], [None] * G
        i = len(tower_inputs)
        for k in reversed(range(len(layout.tower_linears))):
            g = g_raw[:, k:k + 1]  # (R, 1, B)
            grads = []
            for j in reversed(range(layout.tower_linears[k])):
                i -= 1
                z_in, w = tower_inputs[i], tower_w[i]
                grads = [torch.bmm(g, z_in.transpose(1, 2)), g.sum(2)] + grads  # d weight (R, out, in), d bias
                g = torch.bmm(w.transpose(1, 2), g)  # (R, in, B)
                if j > 0:
                    g = _relu_grad(g, z_in)
            tower_grads = grads + tower_grads
            gi = min(k, G - 1)
            d_fused[gi] = g if d_fused[gi] is None else d_fused[gi] + g
        d_fused = torch.stack(d_fused, 1)  # (R, G, H, B)

        # the mix and the gates
        h = experts[-1]  # (R, E, H, B)
        d_weights = (d_fused.unsqueeze(2) * h.unsqueeze(1)).sum(3)  # (R, G, E, B)
        d_h = (d_fused.unsqueeze(2) * weights.unsqueeze(3)).sum(1)  # (R, E, H, B)
        d_logits = torch._softmax_backward_data(d_weights, weights, 2, weights.dtype).reshape(R, G * E, B)
        D = x.shape[2]
        d_gw = torch.bmm(d_logits, x).view(R, G, E, D).transpose(2, 3)  # (R, G, D, E)
        d_gb = d_logits.sum(2).view(R, G, E)

        # the experts, last layer first
        expert_grads = []
        d_z = _relu_grad(d_h, h)
        for layer in reversed(range(1, L)):
            w, h_in = deep_expert_w[layer - 1], experts[layer - 1]  # (R, E, a, hh), (R, E, a, B)
            a, hh = w.shape[2], w.shape[3]
            dz = d_z.reshape(R * E, hh, B)
            d_w = torch.bmm(dz, h_in.reshape(R * E, a, B).transpose(1, 2)).view(R, E, hh, a).transpose(2, 3)
            expert_grads = [d_w, dz.sum(2).view(R, E, hh)] + expert_grads
            d_in = torch.bmm(w.reshape(R * E, a, hh), dz).view(R, E, a, B)
            d_z = _relu_grad(d_in, h_in)
        dz0 = d_z.reshape(R, -1, B)  # (R, E*h, B)
        expert_grads = [torch.bmm(dz0, x).view(R, E, -1, D).transpose(2, 3), dz0.sum(2).view(R, E, -1)] + expert_grads

        d_x = None
        if ctx.needs_input_grad[1]:  # the embedding tables train: the input's gradient (R, B, D)
            d_x = torch.baddbmm(torch.bmm(Gm.transpose(1, 2), d_logits), W0.transpose(1, 2), dz0).transpose(1, 2)
        return (None, d_x, *expert_grads, d_gw, d_gb, *tower_grads)


class TaskLosses(torch.autograd.Function):
    """`MTLModel.task_losses` from the towers' raw outputs, as one autograd node: apply(raw (R, T, B), y and
    mask (R, B, T), binary) -> (R, T), the masked mean over the batch of each task's squared error
    (regression) or binary cross-entropy of sigmoid(raw), clamped like `models.base.bce` (binary = True:
    every task binary; False: every task regression)."""

    @staticmethod
    def forward(ctx, raw: torch.Tensor, y: torch.Tensor, mask: torch.Tensor, binary: bool) -> torch.Tensor:
        yT, mT = y.transpose(1, 2), mask.transpose(1, 2)  # (R, T, B) views
        n = mT.sum(2).clamp_min(1.0)  # (R, T)
        if binary:
            p = torch.sigmoid(raw).clamp_(EPS, 1 - EPS)
            elementwise = -(yT * torch.log(p) + (1 - yT) * torch.log1p(-p))
            ctx.save_for_backward(raw, yT, mT, n, p)
        else:
            diff = raw - yT
            elementwise = diff.square()
            ctx.save_for_backward(diff, mT, n)
        ctx.binary = binary
        return (elementwise * mT).sum(2) / n

    @staticmethod
    def backward(ctx, g_losses: torch.Tensor):
        scale = (g_losses / ctx.saved_tensors[-2 if ctx.binary else -1]).unsqueeze(-1)  # (R, T, 1)
        if ctx.binary:
            raw, yT, mT, _, p = ctx.saved_tensors
            s = torch.sigmoid(raw)
            inside = (s >= EPS) & (s <= 1 - EPS)  # where the clamp passes the gradient on
            d_raw = (p - yT) * inside * mT * scale  # d BCE / dp * dp / d raw = p - y
        else:
            diff, mT, _ = ctx.saved_tensors
            d_raw = 2 * diff * mT * scale
        return d_raw, None, None, None
