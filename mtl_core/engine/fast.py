"""Stacked forward passes without `vmap` for the architectures studies train most (MMoE, OMoE,
Shared-Bottom, the single-task baselines).

Their layers are already banks of stacked weights, so a run axis is one more batch dimension: every
layer becomes one `baddbmm` over (R, B, ...) inputs and (R, ...) parameters. This computes exactly what
`vmap(functional_call(model, params, ...))` computes (a test checks it against that path for every
supported architecture), with fewer and larger kernels: `vmap`'s batching rules turned the experts'
`addmm` into copies plus a batched matmul and ran the gate softmax on a strided layout, and for one run
`functional_call` paid for swapping every parameter into the module on each call.

MMoE and OMoE run feature-major in lone runs and small studies (up to FEATURE_MAJOR_MAX_RUNS runs):
activations are (R, features, B), batch last. Their expert mix (a gate-weighted sum over 8 experts, per
sample) then reduces over an outer axis while the 256 samples of the batch sit contiguous for the vector
units, which makes it much cheaper than the run-major mix for one run.
Towers read (R, H, B) directly, as `W @ x` with nn.Linear's (out, in) weights. Larger batches of runs stay
run-major (see FEATURE_MAJOR_MAX_RUNS).

`stacked_forward(model)` returns `f(params, dense, cat) -> ModelOutput` (every tensor with a leading run
axis) or None when the model is not one of these classes (exactly: subclasses may change the math); the
engine then falls back to `vmap`. `stacked_task_losses(model)` is `MTLModel.task_losses` over a run axis.
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from ..models.base import SHARED_REP, ModelOutput, MTLModel, elementwise_loss
from ..models.layers import MLP, ExpertBank, InputLayer, Towers
from ..models.mmoe import MMoE
from ..models.omoe import OMoE
from ..models.shared_bottom import SharedBottom
from ..models.single_task import SingleTask

Params = dict[str, torch.Tensor]


def _linear(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """x (R, B, in), w (R, out, in) as nn.Linear stores it, b (R, out) -> (R, B, out)."""
    return torch.baddbmm(b.unsqueeze(1), x, w.transpose(1, 2))


def _input(layer: InputLayer, prefix: str, P: Params, dense: torch.Tensor, cat: torch.Tensor) -> torch.Tensor:
    """InputLayer over a run axis: dense (R, B, n_dense), cat (R, B, C) -> (R, B, D)."""
    parts = [dense] if layer.n_dense else []
    for i in range(len(layer.embeddings)):
        table = P[f"{prefix}embeddings.{i}.weight"]  # (R, card, k)
        R, card, k = table.shape
        idx = cat[..., i]  # (R, B)
        if R == 1:
            parts.append(F.embedding(idx[0], table[0]).unsqueeze(0))
        else:  # one lookup in the runs' tables laid end to end
            offset = torch.arange(R, device=idx.device)[:, None] * card
            parts.append(table.reshape(R * card, k).index_select(0, (idx + offset).reshape(-1)).view(R, -1, k))
    return parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)


def _mlp(mlp: MLP, prefix: str, P: Params, x: torch.Tensor) -> torch.Tensor:
    for j, layer in enumerate(mlp.net):
        if isinstance(layer, nn.Linear):
            x = _linear(x, P[f"{prefix}net.{j}.weight"], P[f"{prefix}net.{j}.bias"])
        else:
            x = F.relu(x)
    return x


def _experts_shared_input(bank: ExpertBank, prefix: str, P: Params, x: torch.Tensor) -> torch.Tensor:
    """ExpertBank on a shared input x (R, B, D) -> (R, B, E, H)."""
    R, B, _ = x.shape
    for i in range(len(bank.weights)):
        w, b = P[f"{prefix}weights.{i}"], P[f"{prefix}biases.{i}"]  # (R, E, a, h), (R, E, h)
        _, E, a, h = w.shape
        if i == 0:  # all experts as one (D, E*H) matmul per run, bias fused in
            x = torch.baddbmm(b.reshape(R, 1, E * h), x, w.permute(0, 2, 1, 3).reshape(R, a, E * h))
            x = F.relu(x).view(R, B, E, h)
        else:  # one input per expert: a batched matmul over runs x experts
            x = _experts_own_input_layer(x, w, b)
    return x


def _experts_feature_major(bank: ExpertBank, prefix: str, P: Params, xT: torch.Tensor) -> torch.Tensor:
    """ExpertBank on a shared input, feature-major: xT (R, D, B) -> (R, E, H, B)."""
    R, _, B = xT.shape
    for i in range(len(bank.weights)):
        w, b = P[f"{prefix}weights.{i}"], P[f"{prefix}biases.{i}"]  # (R, E, a, h), (R, E, h)
        _, E, a, h = w.shape
        if i == 0:  # all experts as one (E*H, D) matmul per run, bias fused in
            out = torch.baddbmm(b.reshape(R, E * h, 1), w.transpose(2, 3).reshape(R, E * h, a), xT)
        else:  # one input per expert: a batched matmul over runs x experts
            out = torch.baddbmm(b.reshape(R * E, h, 1), w.transpose(2, 3).reshape(R * E, h, a),
                                xT.reshape(R * E, a, B))
        xT = F.relu(out).view(R, E, h, B)
    return xT


def _mlp_feature_major(mlp: MLP, prefix: str, P: Params, xT: torch.Tensor) -> torch.Tensor:
    """An MLP on xT (R, in, B) -> (R, out, B): nn.Linear's (out, in) weight multiplies from the left."""
    for j, layer in enumerate(mlp.net):
        if isinstance(layer, nn.Linear):
            xT = torch.baddbmm(P[f"{prefix}net.{j}.bias"].unsqueeze(-1), P[f"{prefix}net.{j}.weight"], xT)
        else:
            xT = F.relu(xT)
    return xT


def _experts_own_input_layer(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """x (R, B, E, a), w (R, E, a, h), b (R, E, h) -> relu(x_e @ w_e + b_e) (R, B, E, h)."""
    R, B, E, a = x.shape
    h = w.shape[-1]
    xe = x.transpose(1, 2).reshape(R * E, B, a)
    out = torch.baddbmm(b.reshape(R * E, 1, h), xe, w.reshape(R * E, a, h))
    return F.relu(out).view(R, E, B, h).transpose(1, 2)


def _softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax over `dim`, written out: PyTorch's CPU kernel vectorises along that axis, which holds only E
    (8) values here, so it is slow on this layout. The shift by the (detached) maximum changes
    nothing mathematically and keeps exp finite."""
    e = (logits - logits.detach().amax(dim, keepdim=True)).exp()
    return e / e.sum(dim, keepdim=True)


def _towers(towers: Towers, prefix: str, P: Params, reps) -> list[torch.Tensor]:
    return [_mlp(net, f"{prefix}nets.{k}.", P, r).squeeze(-1) for k, (net, r) in enumerate(zip(towers.nets, reps))]


def _head(model: MTLModel, raw) -> dict[str, torch.Tensor]:
    return model.head(raw)  # elementwise: identity or sigmoid, any shape


def _mix(weights: torch.Tensor, experts: torch.Tensor) -> list[torch.Tensor]:
    """The gate-weighted sums of expert outputs, (R, B, G, E) x (R, B, E, H) -> G x (R, B, H), one gate at a
    time: a broadcast product summed over experts is cheaper on a CPU than a batched matmul of R*B tiny
    (G, E) x (E, H) matrices, but it still writes an (R, B, E, H) temporary per gate, forward and backward,
    and dominates a batched MMoE step at small d; `CompiledMix` fuses it into single loops."""
    return [(weights[:, :, g, :, None] * experts).sum(2) for g in range(weights.shape[2])]


def _mix_features(weights: torch.Tensor, experts: torch.Tensor) -> torch.Tensor:
    """The gate-weighted sums of expert outputs, feature-major: (R, G, E, B) x (R, E, H, B) -> (R, G, H, B).
    A broadcast product summed over experts: cheaper on a CPU than a batched matmul of R*B tiny (G, E) x
    (E, H) matrices. It still writes an (R, G, E, H, B)
    temporary forward and backward and is what lone runs and small studies use."""
    return (weights.unsqueeze(3) * experts.unsqueeze(1)).sum(2)


class CompiledMix:
    """`_mix` through torch.compile (inductor), for long batched studies only: it compiles once per process
    and shape (`compile_s` records how long) and then runs the mix forward and backward as fused loops,
    without the eager mix's temporaries. Only training batches of `rows` rows per run are compiled and use
    it, so that the first shape met (a probe's, an evaluation's) cannot take the compiled slot; other shapes
    run eagerly. If compiling fails the mix stays eager for good, with a warning. The
    numbers differ from the eager mix by float rounding (~1e-7 relative), which a long run can amplify."""

    def __init__(self, rows: int):
        self.rows = rows
        self.fn, self.shape, self.compile_s, self.failed = None, None, 0.0, False

    def __call__(self, weights: torch.Tensor, experts: torch.Tensor) -> list[torch.Tensor]:
        if self.failed or not torch.is_grad_enabled() or experts.shape[1] != self.rows:
            return _mix(weights, experts)
        if self.fn is None:
            import time
            import warnings
            t = time.perf_counter()
            try:
                self.fn = torch.compile(_mix, dynamic=False)
                out = self.fn(weights, experts)
            except Exception as e:  # no compiler toolchain, an unsupported backend...
                self.failed = True
                warnings.warn(f"torch.compile of the expert mix failed ({type(e).__name__}: {e}); running it "
                              "eagerly", RuntimeWarning, stacklevel=2)
                return _mix(weights, experts)
            self.shape, self.compile_s = tuple(experts.shape), time.perf_counter() - t
            return out
        return self.fn(weights, experts) if tuple(experts.shape) == self.shape else _mix(weights, experts)


# Lone runs and small studies run MMoE feature-major; from this many runs on, run-major, where the
# (R, G, E, H, B) temporary of the feature-major mix grows past the caches; batches of 32+ runs in long
# studies also compile the run-major mix.
FEATURE_MAJOR_MAX_RUNS = 16


def _mmoe(model: MMoE, mixer: Callable = _mix) -> Callable:
    gates_mod = model.gates
    masked = bool(torch.isinf(gates_mod.logit_mask).any())
    gate_names = model.gate_names()
    T = len(model.task_names)

    def run_major(P: Params, x: torch.Tensor) -> ModelOutput:
        R, B, D = x.shape
        experts = _experts_shared_input(model.experts, "experts.", P, x)  # (R, B, E, H)
        gw, gb = P["gates.weight"], P["gates.bias"]  # (R, G, D, E), (R, G, E)
        G, E = gw.shape[1], gw.shape[3]
        logits = torch.baddbmm(gb.reshape(R, 1, G * E), x, gw.permute(0, 2, 1, 3).reshape(R, D, G * E))
        logits = logits.view(R, B, G, E)
        if masked:
            logits = logits + gates_mod.logit_mask
        weights = _softmax(logits)  # (R, B, G, E)
        fused = mixer(weights, experts)  # G x (R, B, H)
        reps = [fused[min(k, G - 1)] for k in range(T)]
        gates = {name: weights[:, :, i] for i, name in enumerate(gate_names)}
        return ModelOutput(_head(model, _towers(model.towers, "towers.", P, reps)), gates, {SHARED_REP: experts})

    def feature_major(P: Params, x: torch.Tensor) -> ModelOutput:
        R, B, D = x.shape
        xT = x.transpose(1, 2)  # (R, D, B), a view: the matmuls read it transposed
        # the shared representation (R, B, E, H) is a view of the experts' (R, E, H, B) output that the mix
        # reads back through, so that gradients w.r.t. it (MGDA-UB) exist
        experts = _experts_feature_major(model.experts, "experts.", P, xT).permute(0, 3, 1, 2)
        gw, gb = P["gates.weight"], P["gates.bias"]  # (R, G, D, E), (R, G, E)
        G, E = gw.shape[1], gw.shape[3]
        logits = torch.baddbmm(gb.reshape(R, G * E, 1), gw.transpose(2, 3).reshape(R, G * E, D), xT)
        logits = logits.view(R, G, E, B)
        if masked:
            logits = logits + gates_mod.logit_mask[..., None]
        weights = torch.softmax(logits, dim=2)  # (R, G, E, B): PyTorch's kernel vectorises over B here
        fused = _mix_features(weights, experts.permute(0, 2, 3, 1))  # (R, G, H, B)
        preds = [_mlp_feature_major(net, f"towers.nets.{k}.", P, fused[:, min(k, G - 1)]).squeeze(1)
                 for k, net in enumerate(model.towers.nets)]  # T x (R, B)
        gates = {name: weights[:, i].transpose(1, 2) for i, name in enumerate(gate_names)}  # (R, B, E) views
        return ModelOutput(_head(model, preds), gates, {SHARED_REP: experts})

    def forward(P: Params, dense: torch.Tensor, cat: torch.Tensor) -> ModelOutput:
        x = _input(model.input, "input.", P, dense, cat)  # (R, B, D)
        return (feature_major if x.shape[0] <= FEATURE_MAJOR_MAX_RUNS else run_major)(P, x)

    return forward


def _shared_bottom(model: SharedBottom) -> Callable:
    T = len(model.task_names)

    def forward(P: Params, dense: torch.Tensor, cat: torch.Tensor) -> ModelOutput:
        h = _mlp(model.bottom, "bottom.", P, _input(model.input, "input.", P, dense, cat))  # (R, B, H)
        return ModelOutput(_head(model, _towers(model.towers, "towers.", P, [h] * T)), {}, {SHARED_REP: h})

    return forward


def _single_task(model: SingleTask) -> Callable:
    def forward(P: Params, dense: torch.Tensor, cat: torch.Tensor) -> ModelOutput:
        x = torch.stack([_input(inp, f"inputs.{t}.", P, dense, cat) for t, inp in enumerate(model.inputs)], dim=2)
        for i in range(len(model.bottoms.weights)):  # (R, B, T, D) -> (R, B, T, H): task t's own bottom
            x = _experts_own_input_layer(x, P[f"bottoms.weights.{i}"], P[f"bottoms.biases.{i}"])
        return ModelOutput(_head(model, _towers(model.towers, "towers.", P, x.unbind(2))), {}, {})

    return forward


_BUILDERS = {MMoE: _mmoe, OMoE: _mmoe, SharedBottom: _shared_bottom, SingleTask: _single_task}


def stacked_forward(model: MTLModel, mixer: Callable | None = None) -> Callable | None:
    """The vmap-free stacked forward of `model`, or None (the engine then uses vmap). `mixer` replaces the
    MMoE/OMoE expert mix (a `CompiledMix` for long studies)."""
    build = _BUILDERS.get(type(model))
    if build is None or type(model).task_losses is not MTLModel.task_losses or type(model).head is not MTLModel.head:
        return None
    return build(model, mixer) if mixer is not None and build is _mmoe else build(model)


def stacked_task_losses(model: MTLModel) -> Callable:
    """MTLModel.task_losses with a leading run axis: preds {task: (R, B)}, y and mask (R, B, T) -> (R, T)."""
    names, kinds = model.task_names, model.task_kinds
    if len(set(kinds)) == 1:  # every task the same kind: one elementwise pass over (R, B, T)
        kind = kinds[0]

        def losses(out: ModelOutput, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            p = torch.stack([out.preds[n] for n in names], dim=-1)
            return (elementwise_loss(kind, p, y) * mask).sum(1) / mask.sum(1).clamp_min(1.0)
        return losses

    def mixed(out: ModelOutput, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return torch.stack([(elementwise_loss(k, out.preds[n], y[..., t]) * mask[..., t]).sum(1)
                            / mask[..., t].sum(1).clamp_min(1.0) for t, (n, k) in enumerate(zip(names, kinds))], 1)
    return mixed
