"""ESMM: pCTCVR = pCTR × pCVR, trained over the entire impression space.

Ma, Zhao, Huang, Wang, Hu, Zhu & Gai, "Entire Space Multi-Task Model: An Effective Approach for
Estimating Post-Click Conversion Rate", SIGIR 2018.

The CVR tower is never trained on clicked impressions alone (the sample selection bias of a naive CVR
model). Both losses run over all impressions:
    L = BCE(pCTR, click) + BCE(pCTR · pCVR, click ∧ conversion),
so pCVR is learned only through the product. The towers share their bottom (the paper shares the
embeddings); here the bottom is any registered architecture that can hand out per-task
representations (`ArchInfo.backbone`): Shared-Bottom, OMoE, MMoE, CGC or PLE, with that
architecture's own hyper-parameters (each active only with its backbone).
"""
from __future__ import annotations

from dataclasses import replace

import torch

from ..data.base import DatasetSpec
from ..params import Param
from . import cgc, mmoe, omoe, ple, shared_bottom
from .base import SHARED_REP, ModelOutput, MTLModel, Structure, bce
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo, funnel_tasks

BACKBONES = tuple(info for info in (shared_bottom.INFO, omoe.INFO, mmoe.INFO, cgc.INFO, ple.INFO) if info.backbone)
OWN_DEFAULTS = {"bottom_units": (32,), "expert_units": (32,)}  # narrower than the MMoE paper's synthetic sizes


def backbone_params() -> tuple[Param, ...]:
    """Every backbone's own hyper-parameters, each active only while its backbone is chosen."""
    users: dict[str, tuple[Param, list[str]]] = {}
    for info in BACKBONES:
        for p in info.params:
            if p.name not in ("tower_units", "embed_dim"):
                users.setdefault(p.name, (p, []))[1].append(info.id)
    return tuple(replace(p, default=OWN_DEFAULTS.get(p.name, p.default), when=(("backbone", tuple(ids)),))
                 for p, ids in users.values())


class ESMM(MTLModel):
    """Wraps a backbone; its two towers give the CTR and CVR logits."""

    def __init__(self, spec: DatasetSpec, *, backbone, tower_units, embed_dim, **backbone_kw):
        super().__init__(spec)
        from . import ARCHITECTURES  # the registry imports this module

        info = ARCHITECTURES[backbone]
        own = {p.name: backbone_kw[p.name] for p in info.params if p.name in backbone_kw}
        self.backbone = info.cls(spec, tower_units=tower_units, embed_dim=embed_dim, **own)
        # pCTR enters both losses (pCTCVR = pCTR·pCVR), so everything but the CVR tower is shared.
        cvr_tower = "backbone.towers.nets.1."
        self.shared_modules = tuple(n for n, _ in self.named_parameters() if not n.startswith(cvr_tower))
        self.last_shared = tuple("backbone." + n for n in self.backbone.last_shared)

    def structure(self) -> Structure:
        return replace(self.backbone.structure(), outputs=("ctcvr",))

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
    params=(Param("backbone", "shared_bottom", "what the two towers share (an architecture from the registry)",
                  choices=tuple(info.id for info in BACKBONES), label="Backbone"),
            *backbone_params(), TOWER_UNITS, EMBED_DIM),
    cls=ESMM,
    description="Learns pCVR only through pCTCVR = pCTR x pCVR over all impressions, avoiding the "
                "click-only sample selection bias.",
    check=esmm_tasks,
)
