"""ESMM-NS: ESMM's entire-space losses with no sharing (the ESMM paper's ablation).

Ma, Zhao, Huang, Wang, Hu, Zhu & Gai, "Entire Space Multi-Task Model: An Effective Approach for
Estimating Post-Click Conversion Rate", SIGIR 2018, section 4 ("ESMM-NS: a lite version of ESMM
without sharing of embedding parameters").

Two separate networks, each with its own embedding tables, bottom and tower, give pCTR and pCVR:
    L = BCE(pCTR, click) + BCE(pCTR · pCVR, click ∧ conversion), both over ALL impressions.
It isolates the entire-space loss from the feature sharing: against the naive model (the same two
networks trained as CTR on all impressions + CVR on clicked impressions: `single_task`) only the loss
differs; against ESMM only the sharing does. pCTR enters the CTCVR loss, so the whole CTR network is
shared between the two task losses; the CVR network serves the CVR task alone.
"""
from __future__ import annotations

import torch
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param
from .base import ModelOutput, MTLModel, Structure, bce
from .esmm import esmm_tasks
from .layers import MLP, InputLayer
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo


class TaskNet(nn.Module):
    """One task's own network: embeddings (+ dense features) -> bottom MLP -> tower MLP -> logit (B,)."""

    def __init__(self, spec: DatasetSpec, bottom_units, tower_units, embed_dim):
        super().__init__()
        self.input = InputLayer(spec.schema, embed_dim)
        self.bottom = MLP(self.input.out_dim, bottom_units)
        self.tower = MLP(self.bottom.out_dim, tower_units, out=1)

    def forward(self, dense, cat) -> torch.Tensor:
        return self.tower(self.bottom(self.input(dense, cat))).squeeze(-1)


class ESMMNS(MTLModel):
    shared_modules = ("ctr_net.",)  # pCTR enters both losses; the CVR network only the CTCVR one

    def __init__(self, spec: DatasetSpec, *, bottom_units, tower_units, embed_dim):
        super().__init__(spec)
        self.ctr_net = TaskNet(spec, bottom_units, tower_units, embed_dim)
        self.cvr_net = TaskNet(spec, bottom_units, tower_units, embed_dim)
        self.last_shared = (f"ctr_net.bottom.net.{2 * (len(bottom_units) - 1)}.weight",)

    def structure(self) -> Structure:
        return Structure("separate", outputs=("ctcvr",))

    def forward(self, dense, cat) -> ModelOutput:
        p_ctr, p_cvr = torch.sigmoid(self.ctr_net(dense, cat)), torch.sigmoid(self.cvr_net(dense, cat))
        ctr, cvr = self.task_names
        return ModelOutput({ctr: p_ctr, cvr: p_cvr}, {}, {"ctcvr": p_ctr * p_cvr})

    def trained_as(self) -> dict[str, str]:
        return {self.task_names[1]: "pCTCVR, all impressions"}

    def task_losses(self, out: ModelOutput, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Both over ALL impressions, mask ignored: [BCE(pCTR, click), BCE(pCTCVR, click ∧ conversion)]."""
        return torch.stack([bce(out.preds[self.task_names[0]], y[:, 0]).mean(),
                            bce(out.extras["ctcvr"], y[:, 0] * y[:, 1]).mean()])


INFO = ArchInfo(
    id="esmm_ns", name="ESMM-NS (ESMM without sharing)",
    paper="Ma et al., Entire Space Multi-Task Model: An Effective Approach for Estimating Post-Click "
          "Conversion Rate (ablation ESMM-NS)", year=2018,
    params=(Param("bottom_units", (32,), "hidden layer sizes of each task's own bottom", kind="ints",
                  low=1, high=4096, label="Bottom layer sizes"), TOWER_UNITS, EMBED_DIM),
    cls=ESMMNS,
    description="ESMM's entire-space losses on two separate networks (own embeddings each): what the "
                "loss alone buys, without feature sharing.",
    check=esmm_tasks,
)
