"""IPW: a CVR model debiased by inverse propensity weighting on clicked impressions.

Schnabel, Swaminathan, Singh, Chandak & Joachims, "Recommendations as Treatments: Debiasing Learning
and Evaluation", ICML 2016 (the IPS estimator); Zhang, Bai, Liu, Wang, Song, Jin, Li & Wang,
"Large-scale Causal Approaches to Debiasing Post-click Conversion Rate Estimation with Multi-task
Learning", WWW 2020 (Multi-IPW: the propensity is the CTR task's prediction).

A conversion label is observed only where the impression was clicked (o = 1, probability pCTR). Weighting
each clicked impression's CVR loss by 1/pCTR makes its average an unbiased estimate of the CVR loss over
ALL impressions (the entire space), had every conversion label been observed:
    L_CVR = (1/|D|) Σ_{i ∈ D} o_i · BCE(pCVR_i, conversion_i) / max(sg(pCTR_i), floor)
with the propensity taken from the model's own CTR tower, detached (sg: no gradient flows into the CTR
tower through the weights), and floored so no weight exceeds 1/floor (variance control). The CTR task
is trained as usual, L_CTR = BCE(pCTR, click) over all impressions. The towers sit on a backbone as in
ESMM (Shared-Bottom by default), and pCTCVR = pCTR · pCVR is reported as for ESMM.
"""
from __future__ import annotations

import torch

from ..data.base import DatasetSpec
from ..params import Param
from .base import ModelOutput, bce
from .esmm import ESMM, esmm_tasks
from .esmm import INFO as ESMM_INFO
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo

PROPENSITY_FLOOR = Param("propensity_floor", 0.02, "smallest propensity (pCTR) an inverse weight divides by: "
                         "weights are at most 1/floor", low=1e-4, high=1.0, step=0.005, label="Propensity floor")


def ips_cvr_risk(p_ctr: torch.Tensor, p_cvr: torch.Tensor, click: torch.Tensor, conversion: torch.Tensor,
                 floor: float) -> torch.Tensor:
    """(1/B) Σ click · BCE(pCVR, conversion) / max(sg(pCTR), floor): the entire-space CVR risk
    estimated from clicked impressions only (inverse propensity scoring)."""
    weight = click / p_ctr.detach().clamp_min(floor)
    return (weight * bce(p_cvr, conversion)).mean()


class IPW(ESMM):
    """ESMM's backbone and towers, trained as CTR (all impressions) + IPS-weighted CVR (clicked ones)."""

    def __init__(self, spec: DatasetSpec, *, propensity_floor, **kw):
        super().__init__(spec, **kw)
        self.floor = propensity_floor
        # The propensity is detached, so each loss reads only its own tower: exactly the backbone's own
        # sharing (what two task losses through their own towers depend on).
        self.shared_modules = tuple("backbone." + m for m in self.backbone.shared_modules)

    def trained_as(self) -> dict[str, str]:
        return {self.task_names[1]: "pCVR on clicked impressions, weighted by 1/pCTR"}

    def task_losses(self, out: ModelOutput, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """[BCE(pCTR, click) over all impressions, IPS-weighted BCE(pCVR, conversion) over clicks]."""
        ctr, cvr = self.task_names
        return torch.stack([bce(out.preds[ctr], y[:, 0]).mean(),
                            ips_cvr_risk(out.preds[ctr], out.preds[cvr], y[:, 0], y[:, 1], self.floor)])


def esmm_like_params() -> tuple[Param, ...]:
    """ESMM's own parameters: the backbone choice and each backbone's hyper-parameters."""
    return tuple(p for p in ESMM_INFO.params if p.name not in ("tower_units", "embed_dim"))


INFO = ArchInfo(
    id="ipw", name="IPW (inverse-propensity-weighted CVR)",
    paper="Zhang et al., Large-scale Causal Approaches to Debiasing Post-click Conversion Rate Estimation "
          "with Multi-task Learning", year=2020,
    params=(*esmm_like_params(), TOWER_UNITS, EMBED_DIM, PROPENSITY_FLOOR),
    cls=IPW,
    description="Trains CVR on clicked impressions only, each weighted by 1/pCTR from its own CTR tower, "
                "so the clicked sample stands for the entire space.",
    check=esmm_tasks,
)
