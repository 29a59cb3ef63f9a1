"""CGC (Customized Gate Control): task-specific + shared experts, task k's gate mixes its own experts
and the shared ones. It is the single-level building block of PLE, so it is literally PLE(n_levels=1).

Tang et al., "Progressive Layered Extraction (PLE): A Novel Multi-Task Learning (MTL) Model for
Personalized Recommendations", RecSys 2020, section 4.2.
"""
from __future__ import annotations

from ..data.base import DatasetSpec
from .ple import N_SHARED, PLE, TASK_EXPERTS
from .registry import EMBED_DIM, EXPERT_UNITS, TOWER_UNITS, ArchInfo


class CGC(PLE):
    """One-level PLE: gates are named "L1/<task>" like PLE's first level."""

    def __init__(self, spec: DatasetSpec, *, shared_experts, task_experts, expert_units, tower_units, embed_dim):
        super().__init__(spec, n_levels=1, shared_experts=shared_experts, task_experts=task_experts,
                         expert_units=expert_units, tower_units=tower_units, embed_dim=embed_dim)


INFO = ArchInfo(
    id="cgc", name="CGC (Customized Gate Control)",
    paper="Tang et al., Progressive Layered Extraction (PLE): A Novel Multi-Task Learning (MTL) Model "
          "for Personalized Recommendations", year=2020,
    params=(N_SHARED, TASK_EXPERTS, EXPERT_UNITS, TOWER_UNITS, EMBED_DIM), cls=CGC, backbone=True,
    description="Each task has experts of its own plus shared ones; its gate mixes only those (one-level PLE).",
)
