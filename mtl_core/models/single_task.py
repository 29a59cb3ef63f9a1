"""Single-task baseline: one independent network per task (own input layer, bottom and tower).

Nothing is shared, so it is the reference that MTL gain is measured against
(Tang et al., "Progressive Layered Extraction (PLE)", RecSys 2020, defines gain against it).
The T bottoms run as one `ExpertBank` with one input per "expert" = task.
"""
from __future__ import annotations

import torch
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param
from .base import ModelOutput, MTLModel, Structure
from .layers import ExpertBank, InputLayer, Towers
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo


class SingleTask(MTLModel):
    shared_modules = ()  # nothing is shared between tasks

    def __init__(self, spec: DatasetSpec, *, bottom_units, tower_units, embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        self.inputs = nn.ModuleList(InputLayer(spec.schema, embed_dim) for _ in range(T))
        self.bottoms = ExpertBank(T, self.inputs[0].out_dim, bottom_units)
        self.towers = Towers([self.bottoms.out_dim] * T, tower_units)

    def structure(self) -> Structure:
        return Structure("separate")

    def forward(self, dense, cat) -> ModelOutput:
        x = torch.stack([inp(dense, cat) for inp in self.inputs], dim=1)  # (B, T, D)
        h = self.bottoms(x)  # (B, T, H)
        return ModelOutput(self.head(self.towers(h.unbind(1))), {}, {})


INFO = ArchInfo(
    id="single_task", name="Single-task baselines", paper="(one independent model per task)", year=0,
    params=(Param("bottom_units", (64,), "hidden layer sizes of each task's network", kind="ints",
                  low=1, high=4096, label="Bottom layer sizes"), TOWER_UNITS, EMBED_DIM),
    cls=SingleTask,
    description="One separate network per task: no sharing, no interference, no transfer.",
)
