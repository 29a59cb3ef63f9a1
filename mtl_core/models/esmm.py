"""ESMM: pCTCVR = pCTR × pCVR, trained over the entire impression space.

Ma, Zhao, Huang, Wang, Hu, Zhu & Gai, "Entire Space Multi-Task Model: An Effective Approach for
Estimating Post-Click Conversion Rate", SIGIR 2018.

The CVR tower is never trained on clicked impressions alone (the sample selection bias of a naive CVR
model). Both losses run over all impressions:
    L = BCE(pCTR, click) + BCE(pCTR · pCVR, click ∧ conversion),
so pCVR is learned only through the product. The towers share their bottom (the paper shares the
embeddings); here the bottom is any backbone that can hand out per-task representations: a
Shared-Bottom, an MMoE or a PLE.
"""
from __future__ import annotations

import torch

from ..data.base import DatasetSpec
from ..params import Param
from .base import SHARED_REP, ModelOutput, MTLModel, bce
from .mmoe import MMoE
from .ple import PLE
from .registry import EMBED_DIM, N_EXPERTS, TOWER_UNITS, ArchInfo, funnel_tasks
from .shared_bottom import SharedBottom


def build_backbone(name: str, spec: DatasetSpec, hidden_units, n_experts, tower_units, embed_dim) -> MTLModel:
    if name == "shared_bottom":
        return SharedBottom(spec, bottom_units=hidden_units, tower_units=tower_units, embed_dim=embed_dim)
    if name == "mmoe":
        return MMoE(spec, n_experts=n_experts, expert_units=hidden_units, tower_units=tower_units,
                    embed_dim=embed_dim)
    return PLE(spec, expert_units=hidden_units, tower_units=tower_units, embed_dim=embed_dim)


class ESMM(MTLModel):
    """Wraps a backbone; its two towers give the CTR and CVR logits."""

    def __init__(self, spec: DatasetSpec, backbone="shared_bottom", hidden_units=(32,), n_experts=8,
                 tower_units=(8,), embed_dim=8):
        super().__init__(spec)
        self.backbone = build_backbone(backbone, spec, hidden_units, n_experts, tower_units, embed_dim)
        self.shared_prefixes = tuple("backbone." + p for p in self.backbone.shared_prefixes)
        self.last_shared_names = tuple("backbone." + n for n in self.backbone.last_shared_names)

    def gate_layout(self) -> dict[str, list[str]]:
        return self.backbone.gate_layout()

    def forward(self, dense, cat) -> ModelOutput:
        reps, gates, shared = self.backbone.represent(dense, cat)
        p_ctr, p_cvr = (torch.sigmoid(r) for r in self.backbone.towers(reps))  # (B,), (B,)
        ctr, cvr = self.task_names
        return ModelOutput({ctr: p_ctr, cvr: p_cvr}, gates, {"ctcvr": p_ctr * p_cvr, SHARED_REP: shared})

    def trained_as(self) -> dict[str, str]:
        return {self.task_names[1]: "pCTCVR, all impressions"}

    def task_losses(self, out: ModelOutput, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Both over ALL impressions, mask ignored: [BCE(pCTR, click), BCE(pCTCVR, click ∧ conversion)]."""
        ctr = self.task_names[0]
        return torch.stack([bce(out.preds[ctr], y[:, 0]).mean(),
                            bce(out.extras["ctcvr"], y[:, 0] * y[:, 1]).mean()])


def esmm_tasks(spec: DatasetSpec) -> str | None:
    reason = funnel_tasks(spec)
    if reason is None and len(spec.tasks) != 2:
        reason = f"needs exactly two tasks (click -> conversion); this dataset has {len(spec.tasks)}"
    return reason


INFO = ArchInfo(
    id="esmm", name="ESMM (Entire Space Multi-task Model)",
    paper="Ma et al., Entire Space Multi-Task Model: An Effective Approach for Estimating Post-Click "
          "Conversion Rate", year=2018,
    params=(Param("backbone", "shared_bottom", "what the two towers share", choices=("shared_bottom", "mmoe", "ple")),
            Param("hidden_units", (32,), "hidden layer sizes of the shared bottom, or of each expert "
                  "(MMoE, PLE)", kind="ints", low=1, high=1024),
            Param("n_experts", 8, "number of experts (MMoE backbone only)", low=1, high=64),
            TOWER_UNITS, EMBED_DIM),
    cls=ESMM,
    description="Learns pCVR only through pCTCVR = pCTR x pCVR over all impressions, avoiding the "
                "click-only sample selection bias.",
    check=esmm_tasks,
)
