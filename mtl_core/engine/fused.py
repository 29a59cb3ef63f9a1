"""The training step's MMoE / OMoE body as one autograd node, for lone runs and small studies.

From the input features x (R, B, D) to the towers' raw outputs (R, T, B), the feature-major forward of
`fast.py` runs as a single `torch.autograd.Function` with a hand-written backward (`torch_fast.MMoEBody`),
and the task losses as a second one (`torch_fast.TaskLosses`). The kernels are the ones autograd would run
(the body's gradients agree to the last bit in the test of the paper-size model), but the forward records
no graph and the backward engine walks two nodes instead of ~50 (views, unsqueezes, the mix's broadcasts,
each tower layer, the loss's steps); `benchmarks/run.py` T1 measures the gain. Where `torch_fast`'s guard
finds torch's internals changed, `fused_training_step` returns None and autograd's graph is used.

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

import torch
from torch import nn

from ..models.base import ModelOutput
from ..models.mmoe import MMoE
from ..models.omoe import OMoE
from . import fast
from .fast import Params, _input, stacked_forward, stacked_task_losses
from .torch_fast import AVAILABLE, Layout, MMoEBody, TaskLosses


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
    from `TaskLosses`, one more node). Outside its domain (more than FEATURE_MAJOR_MAX_RUNS runs, or grad
    disabled) f is `fast.py`'s forward and `stacked_task_losses`."""
    plain = stacked_forward(model) if type(model) in (MMoE, OMoE) and AVAILABLE else None
    if plain is None:
        return None
    task_losses = stacked_task_losses(model)
    mask = model.gates.logit_mask
    layout = Layout(n_expert_layers=len(model.experts.weights),
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
        raw = MMoEBody.apply(layout, x, *(P[n] for n in names))  # (R, T, B)
        if one_kind:
            return TaskLosses.apply(raw, y, mask, binary), ModelOutput({}, {}, {})
        out = ModelOutput(model.head(raw.unbind(1)), {}, {})
        return task_losses(out, y, mask), out

    return step
