"""ESCM²-IPS: ESMM plus a counterfactual (inverse-propensity-weighted) CVR risk as a regulariser.

Wang, Chang, Liu, Huang, Chen, Yu, Li & Chu, "ESCM²: Entire Space Counterfactual Multi-Task Model for
Post-Click Conversion Rate Estimation", SIGIR 2022.

ESMM learns pCVR only through pCTCVR = pCTR · pCVR, which the authors show leaves pCVR biased
(inherent estimation bias) and ignores that a conversion can only follow a click. ESCM² keeps ESMM's
entire-space losses and adds the CVR risk over the entire space, estimated from clicked impressions by
inverse propensity scoring with ESMM's own (detached, floored) pCTR as the propensity:
    L = BCE(pCTR, click) + BCE(pCTR·pCVR, click ∧ conversion)
        + λ · (1/|D|) Σ o · BCE(pCVR, conversion) / max(sg(pCTR), floor)
(the paper's ESCM²-IPS; ESCM²-DR adds an imputation tower). The regulariser is part of the CVR task's
loss. pCTR still enters the CTCVR loss, so, as in ESMM, everything but the CVR tower is shared.
"""
from __future__ import annotations

import torch

from ..data.base import DatasetSpec
from ..params import Param
from .base import ModelOutput, bce
from .esmm import ESMM, esmm_tasks
from .ipw import PROPENSITY_FLOOR, esmm_like_params, ips_cvr_risk
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo


class ESCM2IPS(ESMM):
    def __init__(self, spec: DatasetSpec, *, counterfactual_weight, propensity_floor, **kw):
        super().__init__(spec, **kw)  # ESMM's sharing: all but the CVR tower
        self.lam, self.floor = counterfactual_weight, propensity_floor

    def trained_as(self) -> dict[str, str]:
        return {self.task_names[1]: "pCTCVR, all impressions + λ·IPS-weighted pCVR on clicks"}

    def task_losses(self, out: ModelOutput, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """[BCE(pCTR, click), BCE(pCTCVR, click ∧ conversion) + λ·IPS CVR risk], all over the batch."""
        ctr, cvr = self.task_names
        click, conversion = y[:, 0], y[:, 1]
        entire = bce(out.extras["ctcvr"], click * conversion).mean()
        counterfactual = ips_cvr_risk(out.preds[ctr], out.preds[cvr], click, conversion, self.floor)
        return torch.stack([bce(out.preds[ctr], click).mean(), entire + self.lam * counterfactual])


INFO = ArchInfo(
    id="escm2_ipw", name="ESCM²-IPS (ESMM + counterfactual IPS risk)",
    paper="Wang et al., ESCM²: Entire Space Counterfactual Multi-Task Model for Post-Click Conversion Rate "
          "Estimation", year=2022,
    params=(*esmm_like_params(), TOWER_UNITS, EMBED_DIM,
            Param("counterfactual_weight", 0.1, "λ: weight of the IPS-weighted CVR risk on clicked impressions",
                  low=0.0, high=10.0, step=0.05, per_run=False, label="Counterfactual weight λ"),
            PROPENSITY_FLOOR),
    cls=ESCM2IPS,
    description="ESMM's entire-space losses plus an inverse-propensity-weighted CVR risk on clicked "
                "impressions, a counterfactual regulariser against ESMM's CVR bias.",
    check=esmm_tasks,
)
