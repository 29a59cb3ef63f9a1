"""The training step's MMoE / OMoE body as one autograd node, for lone runs and small studies.

From the input features x (R, B, D) to the towers' raw outputs (R, T, B), the feature-major forward of
`fast.py` runs here as a single `torch.autograd.Function` with a hand-written backward, and the task losses
as a second one. The kernels are the ones autograd would run (the body's gradients agree to the last bit
in the test of the paper-size model), but the forward records no graph and the backward engine walks two
nodes instead of ~50 (views, unsqueezes, the mix's broadcasts, each tower layer, the loss's steps). One
run at the paper size (d = 100, 8 experts x 16, towers 8, batch 256, 1 thread), A/B in one process: the
whole step 875 -> 819 us with the body, 791 us with the losses too (`benchmarks/run.py` T1).

What it supports, and where the engine uses it (`StackedRuns`, on CPU, where it was profiled and tested; a
GPU keeps autograd's graph): MMoE and OMoE (masked gates included), experts and towers of any depth, R <=
FEATURE_MAJOR_MAX_RUNS runs, training steps only (grad enabled; evaluation keeps `fast.py`'s forward, which
also returns the gates), and only where a step takes no per-task gradients: the loss-based strategies,
without conflict recording. Gradient-based strategies and GradNorm keep autograd's graph: MGDA-UB needs the
experts' output as a node of it, and a gradient w.r.t. the shared parameters alone lets autograd skip the
task-specific layers, which this backward cannot know to skip. The input's gradient (the embedding tables')
is returned when needed.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..models.base import EPS, ModelOutput
from ..models.mmoe import MMoE
from ..models.omoe import OMoE
from . import fast
from .fast import Params, _input, stacked_forward, stacked_task_losses


@dataclass(frozen=True)
class _Layout:
    n_expert_layers: int
    tower_linears: tuple[int, ...]  # linear layers per tower, ReLU between them, none after the last
    logit_mask: torch.Tensor | None  # (G, E) 0 / -inf, or None when every gate may pick every expert


def _relu_grad(grad: torch.Tensor, relu_out: torch.Tensor) -> torch.Tensor:
    return torch.ops.aten.threshold_backward(grad, relu_out, 0)


class _MMoEBody(torch.autograd.Function):
    """apply(layout, x (R, B, D), expert weights and biases..., gate weight, gate bias, tower weights and
    biases...) -> raw tower outputs (R, T, B). Parameters come in `_parameter_names` order."""

    @staticmethod
    def forward(ctx, layout: _Layout, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
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



class _TaskLosses(torch.autograd.Function):
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

def _parameter_names(model: MMoE) -> list[str]:
    names = []
    for i in range(len(model.experts.weights)):
        names += [f"experts.weights.{i}", f"experts.biases.{i}"]
    names += ["gates.weight", "gates.bias"]
    for k, net in enumerate(model.towers.nets):
        names += [f"towers.nets.{k}.net.{j}.{p}" for j, layer in enumerate(net.net) if isinstance(layer, nn.Linear)
                  for p in ("weight", "bias")]
    return names


def fused_training_step(model):
    """`f(params, dense, cat, y, mask) -> (task losses (R, T), ModelOutput)` for training steps of `model`, or
    None when the model is not exactly an MMoE / OMoE with a stacked forward. The output holds no gates or
    shared representation, and no predictions either when every task is of one kind (the losses then come
    from `_TaskLosses`, one more node). Outside its domain (more than FEATURE_MAJOR_MAX_RUNS runs, or grad
    disabled) f is `fast.py`'s forward and `stacked_task_losses`."""
    plain = stacked_forward(model) if type(model) in (MMoE, OMoE) else None
    if plain is None:
        return None
    task_losses = stacked_task_losses(model)
    mask = model.gates.logit_mask
    layout = _Layout(n_expert_layers=len(model.experts.weights),
                     tower_linears=tuple(sum(isinstance(m, nn.Linear) for m in net.net) for net in model.towers.nets),
                     logit_mask=mask if bool(torch.isinf(mask).any()) else None)
    names = _parameter_names(model)
    kinds = set(model.task_kinds)
    one_kind = kinds in ({"regression"}, {"binary"})
    binary = kinds == {"binary"}

    def step(P: Params, dense: torch.Tensor, cat: torch.Tensor, y: torch.Tensor, mask: torch.Tensor):
        if dense.shape[0] > fast.FEATURE_MAJOR_MAX_RUNS or not torch.is_grad_enabled():
            out = plain(P, dense, cat)
            return task_losses(out, y, mask), out
        x = _input(model.input, "input.", P, dense, cat)  # (R, B, D)
        raw = _MMoEBody.apply(layout, x, *(P[n] for n in names))  # (R, T, B)
        if one_kind:
            return _TaskLosses.apply(raw, y, mask, binary), ModelOutput({}, {}, {})
        out = ModelOutput(model.head(raw.unbind(1)), {}, {})
        return task_losses(out, y, mask), out

    return step
