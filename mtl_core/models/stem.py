"""STEM: a shared embedding table plus one per task; a task's loss trains only its own table and the shared one.

Su, Fan, Zhang, Zhang, Wang, Yu, Zhang, Yang & Zhou, "STEM: Unleashing the Power of Embeddings for
Multi-task Recommendation", AAAI 2024 (STEM-Net).

Every categorical field has T + 1 embedding tables: a shared one and one per task (the shared input layer
built T + 1 times). Each embedding set feeds its own experts: `shared_experts` experts read the shared
embeddings, `task_experts` experts of task t read task t's. Task t's gate reads [shared, task t's]
embeddings and mixes *all* experts, but with the paper's All-Forward-Task-specific-Backward (AFTB) rule:

    f_t = Σ_{j ∈ own(t) ∪ shared} w_tj · E_j   +   Σ_{j ∈ other tasks'} w_tj · stop-grad(E_j)

so the forward pass uses every task's knowledge while task t's gradient reaches only its own table and
experts and the shared ones. That is what keeps a sparse task's embeddings from being overwritten by a
dense task's gradients (the "embedding collapse" the paper measures); a test checks it with autograd.

Left out: nothing structural. The paper's expert and gate sizes are larger; here they follow the registry
defaults so STEM sits beside PLE at a similar expert budget. Its embedding tables are T + 1 times those of
the other models: that is the method (embedding capacity), and the parameter report shows it.
"""
from __future__ import annotations

import torch
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param, per_task
from .base import SHARED_REP, Expert, Gate, ModelOutput, MTLModel, Structure
from .layers import ExpertBank, GateBank, InputLayer, Towers, mix
from .pepnet import needs_ids
from .registry import EMBED_DIM, EXPERT_UNITS, TOWER_UNITS, ArchInfo


class STEM(MTLModel):
    shared_modules = ("inputs.0.", "shared_experts.")  # everything else serves one task's gradient only

    def __init__(self, spec: DatasetSpec, *, shared_experts, task_experts, expert_units, tower_units, embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        counts = per_task(tuple(task_experts), T, "model.task_experts")
        self.inputs = nn.ModuleList(InputLayer(spec.schema, embed_dim) for _ in range(T + 1))  # 0: shared
        D = self.inputs[0].out_dim
        self.task_experts = ExpertBank(sum(counts), D, expert_units)
        self.shared_experts = ExpertBank(shared_experts, D, expert_units)
        owner = torch.repeat_interleave(torch.arange(T), torch.tensor(counts))  # (E_task,)
        self.register_buffer("owner", owner, persistent=False)
        E = sum(counts) + shared_experts
        trains = torch.zeros(T, E, dtype=torch.bool)  # (T, E): experts task t's gradient may reach
        trains[:, sum(counts):] = True
        for t in range(T):
            trains[t, :sum(counts)] = owner == t
        self.register_buffer("trains", trains.float(), persistent=False)
        self.gates = GateBank(T, 2 * D, E)
        self.towers = Towers([self.task_experts.out_dim] * T, tower_units)
        self.counts = counts
        self.last_shared = (f"shared_experts.weights.{len(expert_units) - 1}",)

    def expert_list(self) -> tuple[Expert, ...]:
        out = [Expert(f"{t}/{i}", t) for t, n in zip(self.task_names, self.counts) for i in range(1, n + 1)]
        return tuple(out + [Expert(f"shared/{i}", "shared") for i in range(1, self.shared_experts.n_experts + 1)])

    def structure(self) -> Structure:
        experts = self.expert_list()
        return Structure("gated", tuple(Gate(t, t, t, experts) for t in self.task_names))

    def expert_banks(self) -> list[tuple[int, nn.Module, list[str]]]:
        """(level, bank, expert names) for expert-health metrics (`mtl_core.experts`)."""
        names = [e.name for e in self.expert_list()]
        n = sum(self.counts)
        return [(1, self.task_experts, names[:n]), (1, self.shared_experts, names[n:])]

    def forward(self, dense, cat) -> ModelOutput:
        emb = torch.stack([inp(dense, cat) for inp in self.inputs], dim=1)  # (B, T+1, D)
        shared_in, task_in = emb[:, 0], emb[:, 1:]  # (B, D), (B, T, D)
        shared = self.shared_experts(shared_in)  # (B, S, H)
        experts = torch.cat([self.task_experts(torch.index_select(task_in, 1, self.owner)), shared], dim=1)
        weights = self.gates(torch.cat([shared_in.unsqueeze(1).expand_as(task_in), task_in], dim=-1))  # (B, T, E)
        # AFTB: the same mix forward; backward, task t reaches only its own and the shared experts
        fused = mix(weights * self.trains, experts) + mix(weights * (1 - self.trains), experts.detach())  # (B, T, H)
        gates = {t: weights[:, i] for i, t in enumerate(self.task_names)}
        return ModelOutput(self.head(self.towers(list(fused.unbind(1)))), gates, {SHARED_REP: shared})


TASK_EXPERTS = Param("task_experts", (1,), "experts on each task's own embeddings: one value for every task, "
                     "or one per task", kind="ints", low=1, high=64, label="Experts per task")

INFO = ArchInfo(
    id="stem", name="STEM (shared and task-specific embeddings)",
    paper="Su et al., STEM: Unleashing the Power of Embeddings for Multi-task Recommendation", year=2024,
    params=(Param("shared_experts", 1, "experts on the shared embeddings", low=1, high=64), TASK_EXPERTS,
            EXPERT_UNITS, TOWER_UNITS, EMBED_DIM),
    cls=STEM, check=needs_ids,
    description="Each task gets embedding tables of its own beside the shared ones: every task's gate sees all "
                "experts, but a task's gradient only trains its own tables and the shared ones.",
)
