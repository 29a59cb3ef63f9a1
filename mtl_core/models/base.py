"""The contract every architecture follows.

`forward(dense, cat)` returns a `ModelOutput`:
  preds  {task: (B,)}  the prediction in the label's space: a value for regression, a probability
                       for binary tasks (ESMM's "cvr" is pCVR, even though it is trained through pCTCVR);
  gates  {gate: (B, E_gate)} the mixing weights each gate used (empty for gate-free models);
  extras {name: (B,)}  further named outputs (e.g. ESMM's "ctcvr"), plus, for models that have one,
                       extras["shared_rep"] (B, ...): the representation every task reads (MGDA-UB).
`task_losses(out, y, mask)` turns that into one loss per task, (T,). The default averages each task's
loss over its sample space (mask); ESMM and AITM override it with their entire-space losses.

All model code is pure tensor code (no data-dependent Python branching, no in-place ops on inputs), so
the training engine can run R independent copies at once with `torch.func.vmap`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence

import torch
from torch import nn

from ..data.base import DatasetSpec

EPS = 1e-7
SHARED_REP = "shared_rep"  # extras key: the representation all tasks share, (B, ...), when a model has one


@dataclass(frozen=True)
class Expert:
    """One expert a gate can select: its label and owner ("task1", "shared", or "" for one common pool)."""

    name: str
    group: str = ""


@dataclass(frozen=True)
class Gate:
    """One gate as data, so heatmaps and diagrams need no name parsing.

    name: its key in ModelOutput.gates; row: its heatmap row label (the task it serves, "shared", or
    "all tasks"); owner: a task name or "shared" (its colour), "" when it serves every task;
    level: 1-based extraction level; experts: what its weights refer to, in order; sums_to_one: False
    for routing variables that are not a softmax (SNR).
    """

    name: str
    row: str
    owner: str
    experts: tuple[Expert, ...]
    level: int = 1
    sums_to_one: bool = True


TOPOLOGIES = ("separate", "bottom", "stitched", "gated", "sequential", "asymmetric", "routed")


@dataclass(frozen=True)
class Structure:
    """How a model shares, for pictures: its topology, its gates, one-way links between tasks
    (AITM's transfer, asymmetric sharing) and extra outputs (ESMM's ctcvr)."""

    topology: str
    gates: tuple[Gate, ...] = ()
    task_links: tuple[tuple[str, str], ...] = ()
    outputs: tuple[str, ...] = ()

    def __post_init__(self):
        assert self.topology in TOPOLOGIES, self.topology


class ModelOutput(NamedTuple):
    preds: dict[str, torch.Tensor]
    gates: dict[str, torch.Tensor]
    extras: dict[str, torch.Tensor]


def masked_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of `values` over entries where mask == 1; 0 when the mask is empty."""
    return (values * mask).sum() / mask.sum().clamp_min(1.0)


def bce(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise binary cross-entropy of probabilities, clamped away from 0 and 1."""
    p = p.clamp(EPS, 1 - EPS)  # written out (not F.binary_cross_entropy) so it runs under vmap
    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p))


def elementwise_loss(kind: str, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (pred - y) ** 2 if kind == "regression" else bce(pred, y)


class MTLModel(nn.Module):
    """Base class. Subclasses declare, as data:
    `shared_modules`: parameter-name prefixes of everything two or more task losses depend on (PCGrad,
    MGDA, GradNorm and the conflict view use it; a test checks it against autograd for every model);
    `last_shared`: the parameter names of the last shared layer (GradNorm's);
    `structure()`: the topology and gates, for pictures.
    Constructors take every hyper-parameter by keyword without defaults: defaults live in the registry's
    `Param` specs only (`build_model` fills them)."""

    shared_modules: tuple[str, ...] = ("input.",)
    last_shared: tuple[str, ...] = ()  # set by subclasses, usually in __init__

    def trained_as(self) -> dict[str, str]:
        """Tasks whose training loss is not the task's own label-space loss, e.g. ESMM trains its CVR
        task through pCTCVR over all impressions: {"cvr": "ctcvr, all impressions"}. Empty by default."""
        return {}

    def __init__(self, spec: DatasetSpec):
        super().__init__()
        self.spec = spec
        self.task_names = spec.task_names
        self.task_kinds = tuple(t.kind for t in spec.tasks)

    # -- outputs -------------------------------------------------------------------------------
    def head(self, raw: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        """Tower outputs -> predictions: identity for regression, sigmoid for binary."""
        return {name: (r if kind == "regression" else torch.sigmoid(r))
                for name, kind, r in zip(self.task_names, self.task_kinds, raw)}

    def task_losses(self, out: ModelOutput, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(T,) loss per task, each averaged over that task's sample space."""
        return torch.stack([masked_mean(elementwise_loss(kind, out.preds[name], y[:, t]), mask[:, t])
                            for t, (name, kind) in enumerate(zip(self.task_names, self.task_kinds))])

    def represent(self, dense: torch.Tensor, cat: torch.Tensor
                  ) -> tuple[list[torch.Tensor], dict[str, torch.Tensor], torch.Tensor]:
        """Per-task representations (T x (B, H)) fed to the towers, the gates used, and the shared
        representation every task reads (MGDA-UB differentiates the task losses w.r.t. it). Models that
        can serve as ESMM's backbone (Shared-Bottom, MMoE, PLE) implement it."""
        raise NotImplementedError(f"{type(self).__name__} cannot serve as a backbone")

    def penalty(self, out: ModelOutput) -> torch.Tensor | None:
        """A loss term that belongs to no task (e.g. SNR's L0 sparsity penalty), or None."""
        return None

    # -- structure, for weightings and the UI ------------------------------------------------------
    def structure(self) -> Structure:
        raise NotImplementedError

    def gate_layout(self) -> dict[str, list[str]]:
        """For each gate, the names of the experts its weights refer to, in order."""
        return {g.name: [e.name for e in g.experts] for g in self.structure().gates}

    def shared_parameter_names(self) -> list[str]:
        return [n for n, _ in self.named_parameters() if n.startswith(self.shared_modules)]

    def last_shared_parameter_names(self) -> list[str]:
        """The weight of the last shared layer (GradNorm measures task gradient norms there)."""
        return list(self.last_shared)


def count_parameters(model: nn.Module, paper_convention: bool = False) -> int:
    """Trainable parameters.

    paper_convention=True counts what the MMoE paper counts to reach 13,056 for its synthetic MMoE
    (8 experts 100x16 + 2 tower layers 16x8): weight matrices only, without biases, gates or the
    final output units. Under that count a 113-unit Shared-Bottom matches it, as in the paper.
    """
    total = 0
    for mod_name, mod in model.named_modules():
        for pname, p in mod.named_parameters(recurse=False):
            if paper_convention and (pname == "bias" or mod_name.endswith("biases")
                                     or getattr(mod, "is_gate", False) or getattr(mod, "is_output", False)):
                continue
            total += p.numel()
    return total
