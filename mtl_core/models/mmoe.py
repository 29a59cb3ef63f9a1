"""MMoE: f_k(x) = Σ_i softmax(W_k x)_i · E_i(x), one gate per task over shared experts.

Ma et al., "Modeling Task Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts",
KDD 2018.
"""
from __future__ import annotations

from ..data.base import DatasetSpec
from .base import SHARED_REP, Expert, Gate, ModelOutput, MTLModel, Structure
from .layers import ExpertBank, GateBank, InputLayer, Towers, mix
from .registry import EMBED_DIM, EXPERT_UNITS, N_EXPERTS, TOWER_UNITS, ArchInfo


class MMoE(MTLModel):
    shared_modules = ("input.", "experts.")  # each gate feeds one task only
    n_gates_per_model: int | None = None  # None: one gate per task; OMoE sets 1

    def __init__(self, spec: DatasetSpec, *, n_experts, expert_units, tower_units, embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        self.input = InputLayer(spec.schema, embed_dim)
        self.experts = ExpertBank(n_experts, self.input.out_dim, expert_units)
        self.gates = GateBank(self.n_gates_per_model or T, self.input.out_dim, n_experts)
        self.towers = Towers([self.experts.out_dim] * T, tower_units)
        self.last_shared = (f"experts.weights.{len(expert_units) - 1}",)

    def gate_names(self) -> list[str]:
        return list(self.task_names)

    def structure(self) -> Structure:
        experts = tuple(Expert(f"E{i + 1}") for i in range(self.experts.n_experts))
        return Structure("gated", tuple(Gate(g, g, g, experts) for g in self.gate_names()))

    def represent(self, dense, cat):
        x = self.input(dense, cat)  # (B, D)
        experts = self.experts(x)  # (B, E, H)
        weights = self.gates(x)  # (B, G, E)
        fused = mix(weights, experts)  # (B, G, H)
        reps = [fused[:, min(k, fused.shape[1] - 1)] for k in range(len(self.task_names))]
        return reps, {g: weights[:, i] for i, g in enumerate(self.gate_names())}, experts

    def forward(self, dense, cat) -> ModelOutput:
        reps, gates, shared = self.represent(dense, cat)
        return ModelOutput(self.head(self.towers(reps)), gates, {SHARED_REP: shared})


INFO = ArchInfo(
    id="mmoe", name="MMoE (Multi-gate Mixture-of-Experts)",
    paper="Ma et al., Modeling Task Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts",
    year=2018, params=(N_EXPERTS, EXPERT_UNITS, TOWER_UNITS, EMBED_DIM), cls=MMoE, backbone=True,
    description="Shared experts, one softmax gate per task: each task chooses its own mix.",
)
