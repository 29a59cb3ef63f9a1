"""PLE: stacked CGC levels of task-specific and shared experts with per-task gates.

Tang, Liu, Zhao & Gong, "Progressive Layered Extraction (PLE): A Novel Multi-Task Learning (MTL) Model
for Personalized Recommendations", RecSys 2020.

Each level has, per task k, its own experts and a gate over (task k's experts + the shared experts);
non-final levels add a shared gate over *all* experts of the level, whose output feeds the next
level's shared experts. A level above the first gives every group (each task, and "shared") its own
input: the fused output of that group's gate one level below.

Per level, all task experts form one `ExpertBank` and the shared experts a second one (two einsums,
no loop over experts). Splitting them keeps `shared_modules` exact for gradient-manipulating
weightings: a parameter counts as shared when more than one task's loss depends on it, which holds for
the shared experts of every level and for everything in a non-final level (the shared gate above reads
all of its experts; the task gates of a non-final level are included with them since all gates of a
level live in one tensor), but not for the task experts and gates of the final level.

All gates of a level are one `GateBank` whose `allowed` mask blocks experts a gate may not select;
gate outputs are reported over each gate's allowed experts only, in the order of `structure()`.
"""
from __future__ import annotations

import torch
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param, per_task
from .base import SHARED_REP, Expert, Gate, ModelOutput, MTLModel, Structure
from .layers import ExpertBank, GateBank, InputLayer, Towers, mix
from .registry import EMBED_DIM, EXPERT_UNITS, TOWER_UNITS, ArchInfo


class PLELevel(nn.Module):
    """One extraction level. Experts are ordered [task 1's..., task T's..., shared...];
    gates [task 1, ..., task T] (+ [shared] when not final)."""

    def __init__(self, in_dim: int, task_experts: tuple[int, ...], n_shared: int, units, final: bool):
        super().__init__()
        T, E_task = len(task_experts), sum(task_experts)
        self.T, self.E_task, self.final, self.task_counts = T, E_task, final, task_experts
        self.task_experts = ExpertBank(E_task, in_dim, units)
        self.shared_experts = ExpertBank(n_shared, in_dim, units)
        owner = torch.repeat_interleave(torch.arange(T), torch.tensor(task_experts))  # (E_task,)
        self.register_buffer("owner", owner, persistent=False)  # which group feeds each task expert
        E, G = E_task + n_shared, T + (0 if final else 1)
        allowed = torch.zeros(G, E, dtype=torch.bool)
        allowed[:T, E_task:] = True  # every task gate sees the shared experts...
        allowed[T:] = True  # ...and the shared gate sees everything
        for k in range(T):  # ...task k's gate sees its own experts
            allowed[k, :E_task] = owner == k
        self.gates = GateBank(G, in_dim, E, allowed)
        self.out_dim = self.task_experts.out_dim

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, D) at the first level, else (B, T+1, D) per group -> fused (B, G, H), weights (B, G, E)
        and the shared experts' outputs (B, S, H)."""
        if x.dim() == 2:
            task_in, shared_in, gate_in = x, x, x
        else:
            task_in = torch.index_select(x, 1, self.owner)  # (B, E_task, D): each expert its task's input
            shared_in = x[:, self.T]  # (B, D): the shared group's input, read by every shared expert
            gate_in = x[:, :self.gates.weight.shape[0]]  # (B, G, D): gate g reads group g
        shared = self.shared_experts(shared_in)  # (B, S, H): returned as is, so gradients w.r.t. it exist
        experts = torch.cat([self.task_experts(task_in), shared], dim=1)  # (B, E, H)
        weights = self.gates(gate_in)  # (B, G, E)
        return mix(weights, experts), weights, shared  # (B, G, H), (B, G, E), (B, S, H)

    def allowed_slices(self, g: int) -> list[slice]:
        """The expert ranges gate g may select (contiguous: its task's block, then the shared block)."""
        if g == self.T:
            return [slice(0, None)]
        start = sum(self.task_counts[:g])
        return [slice(start, start + self.task_counts[g]), slice(self.E_task, None)]


class PLE(MTLModel):
    def __init__(self, spec: DatasetSpec, *, n_levels, shared_experts, task_experts, expert_units, tower_units,
                 embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        counts = per_task(tuple(task_experts), T, "model.task_experts")
        self.input = InputLayer(spec.schema, embed_dim)
        in_dims = [self.input.out_dim] + [expert_units[-1]] * (n_levels - 1)
        self.levels = nn.ModuleList(PLELevel(d, counts, shared_experts, expert_units, final=(l == n_levels - 1))
                                    for l, d in enumerate(in_dims))
        self.towers = Towers([self.levels[-1].out_dim] * T, tower_units)
        L = n_levels - 1
        self.shared_modules = ("input.", *(f"levels.{l}." for l in range(L)), f"levels.{L}.shared_experts.")
        self.last_shared = (f"levels.{L}.shared_experts.weights.{len(expert_units) - 1}",)

    def gate_names(self, level: int) -> list[str]:
        lvl = self.levels[level - 1]
        return [f"L{level}/{t}" for t in self.task_names] + ([] if lvl.final else [f"L{level}/shared"])

    def structure(self) -> Structure:
        gates = []
        for level, lvl in enumerate(self.levels, start=1):
            experts = [Expert(f"{t}/{i}", t) for t, n in zip(self.task_names, lvl.task_counts) for i in range(1, n + 1)]
            experts += [Expert(f"shared/{i}", "shared") for i in range(1, lvl.shared_experts.n_experts + 1)]
            owners = [*self.task_names, "shared"]
            for g, gname in enumerate(self.gate_names(level)):
                gates.append(Gate(gname, owners[g], owners[g], tuple(e for sl in lvl.allowed_slices(g)
                                                                      for e in experts[sl]), level=level))
        return Structure("gated", tuple(gates))

    def represent(self, dense, cat):
        h, gates = self.input(dense, cat), {}  # (B, D)
        for level, lvl in enumerate(self.levels, start=1):
            h, weights, shared = lvl(h)  # (B, G, H), (B, G, E), (B, S, H)
            for g, gname in enumerate(self.gate_names(level)):
                gates[gname] = torch.cat([weights[:, g, sl] for sl in lvl.allowed_slices(g)], dim=-1)
        return list(h.unbind(1)), gates, shared  # final level: one group per task; its shared experts

    def forward(self, dense, cat) -> ModelOutput:
        reps, gates, shared = self.represent(dense, cat)
        return ModelOutput(self.head(self.towers(reps)), gates, {SHARED_REP: shared})


N_SHARED = Param("shared_experts", 2, "shared experts per level", low=1, high=64, label="Shared experts")
TASK_EXPERTS = Param("task_experts", (2,), "task-specific experts per level: one value for every task, "
                     "or one per task", kind="ints", low=0, high=64, label="Experts per task")

INFO = ArchInfo(
    id="ple", name="PLE (Progressive Layered Extraction)",
    paper="Tang et al., Progressive Layered Extraction (PLE): A Novel Multi-Task Learning (MTL) Model "
          "for Personalized Recommendations", year=2020,
    params=(Param("n_levels", 2, "number of stacked extraction levels (1 = CGC)", low=1, high=4, label="Levels"),
            N_SHARED, TASK_EXPERTS, EXPERT_UNITS, TOWER_UNITS, EMBED_DIM),
    cls=PLE, backbone=True,
    description="Stacked levels of task-specific and shared experts: each task keeps experts of its own, "
                "so conflicting tasks stop fighting over the same ones.",
)
