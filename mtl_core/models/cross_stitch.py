"""Cross-Stitch: one column per task, columns mixed after every layer by a learned T x T matrix.

Misra, Shrivastava, Gupta & Hebert, "Cross-stitch Networks for Multi-task Learning", CVPR 2016.
After layer l, column t continues with  h̃_t = Σ_s a_l[t, s] · h_s.  The matrix starts near the identity
(0.9 on the diagonal, 0.1 spread over the rest of each row): the columns begin almost independent and
learn how much to borrow from each other. The T columns of a layer run as one `ExpertBank` with one
input per column, so the cost is one einsum per layer, not T small matmuls.
"""
from __future__ import annotations

import torch
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param
from .base import ModelOutput, MTLModel, Structure
from .layers import ExpertBank, InputLayer, Towers
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo


def stitch_init(n_tasks: int, self_weight: float = 0.9) -> torch.Tensor:
    """(T, T) matrix with `self_weight` on the diagonal and the rest of each row split evenly."""
    off = (1.0 - self_weight) / max(n_tasks - 1, 1)
    return torch.where(torch.eye(n_tasks, dtype=torch.bool), self_weight, off)


class CrossStitch(MTLModel):
    def __init__(self, spec: DatasetSpec, *, column_units, tower_units, embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        self.input = InputLayer(spec.schema, embed_dim)
        dims = [self.input.out_dim, *column_units]
        self.columns = nn.ModuleList(ExpertBank(T, a, (b,)) for a, b in zip(dims[:-1], dims[1:]))
        self.stitch = nn.ParameterList(nn.Parameter(stitch_init(T)) for _ in column_units)
        self.towers = Towers([dims[-1]] * T, tower_units)
        # Every column layer feeds every task through the stitch after it, and so does every stitch
        # but the last: row t of the last stitch only feeds task t's tower.
        self.shared_modules = ("input.", "columns.", *(f"stitch.{i}" for i in range(len(column_units) - 1)))
        self.last_shared = (f"columns.{len(column_units) - 1}.weights.0",)

    def structure(self) -> Structure:
        return Structure("stitched")

    def forward(self, dense, cat) -> ModelOutput:
        h = self.input(dense, cat)  # (B, D): layer 1 of every column reads the same input
        for layer, a in zip(self.columns, self.stitch):
            h = layer(h)  # (B, T, H): column t's own layer
            h = torch.einsum("ts,bsh->bth", a, h)  # (B, T, H): cross-stitch mixing
        return ModelOutput(self.head(self.towers(h.unbind(1))), {}, {})

    def stitch_matrices(self) -> list[torch.Tensor]:
        """The learned (T, T) mixing matrices, one per layer (row t: what column t reads)."""
        return [a.detach().clone() for a in self.stitch]


INFO = ArchInfo(
    id="cross_stitch", name="Cross-Stitch Networks",
    paper="Misra et al., Cross-stitch Networks for Multi-task Learning", year=2016,
    params=(Param("column_units", (32, 16), "hidden layer sizes of each task's column (a cross-stitch "
                  "unit follows every layer)", kind="ints", low=1, high=1024,
                  label="Column layer sizes"), TOWER_UNITS, EMBED_DIM),
    cls=CrossStitch,
    description="One network per task, with learned matrices that let the columns borrow from each other "
                "after every layer.",
)
