"""AdaTT: task-specific and shared expert groups fused per task by adaptive gates, plus a residual.

Li, Zhang, Yin, Chen, Zhang, Wu, Li & Bao, "AdaTT: Adaptive Task-to-Task Fusion Network for Multitask
Learning in Recommendations", KDD 2023 (the "AdaTT-sp" / "AdaTT with shared experts" variants of the
authors' code, facebookresearch/AdaTT).

Each level has, per task t, a group of `task_experts` experts and one group of `shared_experts` shared
experts. Fusion unit t (one per task, plus one for the shared group at non-final levels) mixes *every*
expert of the level and adds a linear combination of its own group (the residual "native expert" link):

    f_t(x) = Σ_j softmax(W_t x_t)_j · E_j(x_j)  +  Σ_{i ∈ group t} v_{t,i} · E_i(x_i)

A level above the first gives each group its own input (x_j: the fused output of expert j's group one level
below; the shared group reads the shared unit's output), as in PLE. v starts uniform in ±√(1/m) for groups
of m experts, as in the authors' code; when every group has one expert, v is fixed at 1 (a plain residual,
again as there). Set `shared_experts` = 0 for AdaTT-sp (task groups only).

Gates: "L<level>/<task>" (and "L<level>/shared" at non-final levels), each over all experts of the level:
summed per group, a gate row is how much task t draws on task u's experts (the paper's task-to-task
fusion heatmap; `mtl_core.experts.group_mass`). The residual weights v are not gates (not a
distribution) and are left out of them.

Left out: the paper's optional multi-layer gate networks (its main results use one linear layer, as here).
All experts of a level are one `ExpertBank` per group kind (tasks, shared) and all gates one `GateBank`:
no Python loop over experts.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param, per_task
from .base import SHARED_REP, Expert, Gate, ModelOutput, MTLModel, Structure
from .layers import ExpertBank, GateBank, InputLayer, Towers, mix
from .registry import EMBED_DIM, EXPERT_UNITS, TOWER_UNITS, ArchInfo


class AdaTTLevel(nn.Module):
    """One level. Experts [task 1's..., task T's..., shared...]; fusion units [task 1..T] (+ [shared])."""

    def __init__(self, in_dim: int, task_counts: tuple[int, ...], n_shared: int, units, final: bool):
        super().__init__()
        T, E_task = len(task_counts), sum(task_counts)
        self.T, self.E_task, self.n_shared = T, E_task, n_shared
        self.has_shared_unit = n_shared > 0 and not final
        self.task_experts = ExpertBank(E_task, in_dim, units)
        self.shared_experts = ExpertBank(n_shared, in_dim, units) if n_shared else None
        group = torch.repeat_interleave(torch.arange(T + 1), torch.tensor([*task_counts, n_shared]))  # (E,)
        self.register_buffer("owner", group[:E_task], persistent=False)  # the group feeding each task expert
        E, G = E_task + n_shared, T + int(self.has_shared_unit)
        self.gates = GateBank(G, in_dim, E)
        own = group[None, :] == torch.arange(G)[:, None]  # (G, E): unit g's own group
        sizes = [*task_counts, n_shared][:G]
        if all(s == 1 for s in sizes):  # one expert per group: the residual is the expert itself
            self.register_buffer("fixed_residual", own.float(), persistent=False)
            self.residual = None
        else:  # learned weights v over each unit's own experts, scattered into (G, E) by a 0/1 matrix
            idx = own.flatten().nonzero().squeeze(1)  # positions of the own-group entries in (G*E)
            self.register_buffer("scatter", torch.nn.functional.one_hot(idx, G * E).float(), persistent=False)
            scale = torch.cat([torch.full((s,), math.sqrt(1.0 / s)) for s in sizes])
            self.residual = nn.Parameter((torch.rand(len(idx)) * 2 - 1) * scale)
        self.out_dim = self.task_experts.out_dim

    def residual_weights(self) -> torch.Tensor:
        """(G, E): v on each unit's own experts, zeros elsewhere."""
        if self.residual is None:
            return self.fixed_residual
        return (self.residual @ self.scatter).view(self.gates.weight.shape[0], -1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x (B, D) at the first level, else (B, G_prev, D) per group -> fused (B, G, H), gate weights
        (B, G, E) and every expert's output (B, E, H)."""
        G = self.gates.weight.shape[0]
        if x.dim() == 2:
            task_in, shared_in, gate_in = x, x, x
        else:
            task_in = torch.index_select(x, 1, self.owner)  # (B, E_task, D): each expert its group's input
            shared_in = x[:, self.T] if self.n_shared else None  # (B, D)
            gate_in = x[:, :G]  # (B, G, D): unit g reads its own group's input
        parts = [self.task_experts(task_in)]  # (B, E_task, H)
        if self.shared_experts is not None:
            parts.append(self.shared_experts(shared_in))  # (B, S, H)
        experts = torch.cat(parts, dim=1)  # (B, E, H)
        weights = self.gates(gate_in)  # (B, G, E)
        residual = torch.einsum("ge,beh->bgh", self.residual_weights(), experts)  # (B, G, H)
        return mix(weights, experts) + residual, weights, experts


class AdaTT(MTLModel):
    def __init__(self, spec: DatasetSpec, *, n_levels, task_experts, shared_experts, expert_units, tower_units,
                 embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        counts = per_task(tuple(task_experts), T, "model.task_experts")
        self.input = InputLayer(spec.schema, embed_dim)
        in_dims = [self.input.out_dim] + [expert_units[-1]] * (n_levels - 1)
        self.levels = nn.ModuleList(AdaTTLevel(d, counts, shared_experts, expert_units, final=(l == n_levels - 1))
                                    for l, d in enumerate(in_dims))
        self.towers = Towers([self.levels[-1].out_dim] * T, tower_units)
        L = n_levels - 1
        # every task's unit mixes every expert, so all experts are shared; a final-level unit (its gate row
        # and residual weights) serves one task
        self.shared_modules = ("input.", *(f"levels.{l}." for l in range(L)), f"levels.{L}.task_experts.",
                               f"levels.{L}.shared_experts.")
        bank = "shared_experts" if shared_experts else "task_experts"
        self.last_shared = (f"levels.{L}.{bank}.weights.{len(expert_units) - 1}",)

    def unit_names(self, level: int) -> list[str]:
        lvl = self.levels[level - 1]
        return [f"L{level}/{t}" for t in self.task_names] + ([f"L{level}/shared"] if lvl.has_shared_unit else [])

    def experts_of(self, level: int) -> tuple[Expert, ...]:
        lvl = self.levels[level - 1]
        counts = torch.bincount(lvl.owner, minlength=lvl.T).tolist()
        out = [Expert(f"{t}/{i}", t) for t, n in zip(self.task_names, counts) for i in range(1, n + 1)]
        return tuple(out + [Expert(f"shared/{i}", "shared") for i in range(1, lvl.n_shared + 1)])

    def structure(self) -> Structure:
        gates = []
        for level in range(1, len(self.levels) + 1):
            experts = self.experts_of(level)
            for name, owner in zip(self.unit_names(level), [*self.task_names, "shared"]):
                gates.append(Gate(name, owner, owner, experts, level=level))
        return Structure("gated", tuple(gates))

    def expert_banks(self) -> list[tuple[int, nn.Module, list[str]]]:
        """(level, bank, expert names) for expert-health metrics (`mtl_core.experts`)."""
        out = []
        for level, lvl in enumerate(self.levels, start=1):
            names = [e.name for e in self.experts_of(level)]
            out.append((level, lvl.task_experts, names[:lvl.E_task]))
            if lvl.shared_experts is not None:
                out.append((level, lvl.shared_experts, names[lvl.E_task:]))
        return out

    def represent(self, dense, cat):
        h, gates = self.input(dense, cat), {}  # (B, D)
        for level, lvl in enumerate(self.levels, start=1):
            h, weights, experts = lvl(h)  # (B, G, H), (B, G, E), (B, E, H)
            gates.update({name: weights[:, g] for g, name in enumerate(self.unit_names(level))})
        return list(h.unbind(1)), gates, experts  # final level: one unit per task; its experts

    def forward(self, dense, cat) -> ModelOutput:
        reps, gates, shared = self.represent(dense, cat)
        return ModelOutput(self.head(self.towers(reps)), gates, {SHARED_REP: shared})


INFO = ArchInfo(
    id="adatt", name="AdaTT (Adaptive Task-to-Task fusion)",
    paper="Li et al., AdaTT: Adaptive Task-to-Task Fusion Network for Multitask Learning in Recommendations",
    year=2023,
    params=(Param("n_levels", 2, "number of stacked fusion levels", low=1, high=4, label="Levels"),
            Param("task_experts", (2,), "experts in each task's own group per level: one value for every task, "
                  "or one per task", kind="ints", low=1, high=64, label="Experts per task"),
            Param("shared_experts", 2, "shared experts per level (0 = AdaTT-sp, task groups only)", low=0, high=64),
            EXPERT_UNITS, TOWER_UNITS, EMBED_DIM),
    cls=AdaTT,
    description="Every task has its own group of experts; each task's gate fuses all groups, and a residual "
                "keeps its own group in the mix: the gates show how much each task draws on the others.",
)
