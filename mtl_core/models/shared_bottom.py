"""Shared-Bottom: y_k = h_k(f(x)), one bottom network shared by all tasks, one tower per task.

Caruana, "Multitask Learning", Machine Learning 28, 1997 (hard parameter sharing).
"""
from __future__ import annotations

from ..data.base import DatasetSpec
from ..params import Param
from .base import SHARED_REP, ModelOutput, MTLModel, Structure
from .layers import MLP, InputLayer, Towers
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo


class SharedBottom(MTLModel):
    shared_modules = ("input.", "bottom.")

    def __init__(self, spec: DatasetSpec, *, bottom_units, tower_units, embed_dim):
        super().__init__(spec)
        self.input = InputLayer(spec.schema, embed_dim)
        self.bottom = MLP(self.input.out_dim, bottom_units)
        self.towers = Towers([self.bottom.out_dim] * len(spec.tasks), tower_units)
        self.last_shared = (f"bottom.net.{2 * (len(bottom_units) - 1)}.weight",)

    def structure(self) -> Structure:
        return Structure("bottom")

    def represent(self, dense, cat):
        h = self.bottom(self.input(dense, cat))  # (B, H)
        return [h] * len(self.task_names), {}, h

    def forward(self, dense, cat) -> ModelOutput:
        reps, gates, shared = self.represent(dense, cat)
        return ModelOutput(self.head(self.towers(reps)), gates, {SHARED_REP: shared})


INFO = ArchInfo(
    id="shared_bottom", name="Shared-Bottom", paper="Caruana, Multitask Learning", year=1997,
    params=(Param("bottom_units", (113,), "hidden layer sizes of the shared bottom (113 matches the "
                  "MMoE paper's parameter budget)", kind="ints", low=1, high=4096,
                  label="Bottom layer sizes"), TOWER_UNITS, EMBED_DIM),
    cls=SharedBottom, backbone=True,
    description="All tasks read one shared representation; cheap, but related tasks pull it apart.",
)
