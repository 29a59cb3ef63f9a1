"""OMoE: one-gate Mixture-of-Experts, a single softmax gate shared by all tasks.

The baseline of Ma et al., KDD 2018 (MMoE) that isolates the effect of per-task gates; after
Jacobs et al., "Adaptive Mixtures of Local Experts", 1991.
"""
from __future__ import annotations

from .base import Expert, Gate, Structure
from .mmoe import MMoE
from .registry import EMBED_DIM, EXPERT_UNITS, N_EXPERTS, TOWER_UNITS, ArchInfo


class OMoE(MMoE):
    """MMoE with one gate: every task receives the same mixture of experts."""

    n_gates_per_model = 1
    shared_modules = ("input.", "experts.", "gates.")  # the one gate feeds every task

    def gate_names(self) -> list[str]:
        return ["all tasks"]

    def structure(self) -> Structure:
        experts = tuple(Expert(f"E{i + 1}") for i in range(self.experts.n_experts))
        return Structure("gated", (Gate("all tasks", "all tasks", "", experts),))


INFO = ArchInfo(
    id="omoe", name="OMoE (One-gate Mixture-of-Experts)",
    paper="Ma et al., KDD 2018 (the MMoE paper's one-gate baseline)", year=2018,
    params=(N_EXPERTS, EXPERT_UNITS, TOWER_UNITS, EMBED_DIM), cls=OMoE, backbone=True,
    description="Shared experts with one gate for all tasks: mixes experts, but the same way for everyone.",
)
