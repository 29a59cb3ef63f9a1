"""Asymmetric sharing: every task has its own bottom; one source task's representation is also read by
the other tasks' towers, and nothing flows back to it.

The pattern is one of the single-level sharing schemes that Tang et al. survey in "Progressive Layered
Extraction (PLE): A Novel Multi-Task Learning (MTL) Model for Personalized Recommendations", RecSys 2020
(Fig. 1b, "asymmetric sharing": the tower of task B reads task A's layer, task A reads only its own).
The reference article (seeds/003) puts it as: task A uses only its own features, task B uses all of
them, so the original task is not disturbed while the task that needs help still gets the extra
information.

With source task s (1-based, a parameter, so either direction can be picked) and bottoms f_t:
    h_t = f_t(x)                      one bottom per task: the source's, and the others' in one `ExpertBank`
    ŷ_s = tower_s(h_s)                the source reads only its own bottom
    ŷ_t = tower_t([h_t ; h_s])        every other task reads its own bottom and the source's
Task s's output therefore does not depend on any other task's parameters, while every other task's
output depends on f_s (tests check both with autograd).

`stop_gradient` (as in the reference article's code, which detaches the source feature): the other
tasks read h_s but their losses do not train f_s, so the source task trains on its own loss alone.
Without it (default), f_s is trained by every task: it is the representation all tasks read
(`extras["shared_rep"]`) and a shared parameter for the gradient-manipulating weightings. With it,
only the input layer (the ID embeddings, if any) is shared, which on dense-only data means nothing is:
gradient weightings then fall back to each task's own gradient, as for single-task models.
"""
from __future__ import annotations

import torch

from ..data.base import DatasetSpec
from ..params import ConfigError, Param
from .base import SHARED_REP, ModelOutput, MTLModel, Structure
from .layers import MLP, ExpertBank, InputLayer, Towers
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo


class AsymmetricSharing(MTLModel):
    def __init__(self, spec: DatasetSpec, *, source_task, stop_gradient, bottom_units, tower_units, embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        if not 1 <= source_task <= T:
            raise ConfigError("model.source_task", source_task, f"a task number from 1 to {T} "
                              f"({', '.join(f'{i + 1} = {n}' for i, n in enumerate(spec.task_names))})")
        self.source, self.stop_gradient = source_task - 1, bool(stop_gradient)
        self.input = InputLayer(spec.schema, embed_dim)
        # The source's bottom apart from the others', so "shared" is exactly the source's bottom.
        self.source_bottom = MLP(self.input.out_dim, bottom_units)
        self.bottoms = ExpertBank(T - 1, self.input.out_dim, bottom_units)  # the other tasks', in task order
        H = self.bottoms.out_dim
        self.towers = Towers([H if t == self.source else 2 * H for t in range(T)], tower_units)
        if self.stop_gradient:  # the source's bottom trains on the source's loss only
            self.shared_modules = ("input.",)
            self.last_shared = tuple(f"input.embeddings.{i}.weight" for i in range(len(self.input.embeddings)))
        else:  # the source's bottom feeds every task
            self.shared_modules = ("input.", "source_bottom.")
            self.last_shared = (f"source_bottom.net.{2 * (len(bottom_units) - 1)}.weight",)

    def structure(self) -> Structure:
        src = self.task_names[self.source]
        return Structure("asymmetric", task_links=tuple((src, t) for t in self.task_names if t != src))

    def forward(self, dense, cat) -> ModelOutput:
        x = self.input(dense, cat)  # (B, D)
        src = self.source_bottom(x)  # (B, H): what every task reads
        own = self.bottoms(x).unbind(1)  # T-1 x (B, H): the other tasks' own bottoms
        lent = src.detach() if self.stop_gradient else src  # what the other towers receive
        reps = list(own)
        reps.insert(self.source, src)
        reps = [r if t == self.source else torch.cat([r, lent], dim=-1) for t, r in enumerate(reps)]
        extras = {} if self.stop_gradient else {SHARED_REP: src}
        return ModelOutput(self.head(self.towers(reps)), {}, extras)


INFO = ArchInfo(
    id="asymmetric", name="Asymmetric sharing",
    paper="Tang et al., Progressive Layered Extraction (PLE), Fig. 1b: asymmetric sharing", year=2020,
    params=(Param("source_task", 1, "the task (1 = first) whose representation the other tasks also read; "
                  "it reads only its own", low=1, high=16, label="Source task"),
            Param("stop_gradient", False, "the other tasks read the source's representation without "
                  "training it (the source task learns from its own loss only)", label="Stop gradient into the source"),
            Param("bottom_units", (64,), "hidden layer sizes of each task's own bottom (64 gives two tasks "
                  "about the MMoE paper's parameter budget)", kind="ints", low=1, high=4096,
                  label="Bottom layer sizes"),
            TOWER_UNITS, EMBED_DIM),
    cls=AsymmetricSharing,
    description="Each task has its own bottom; one task's representation also feeds the others' towers, "
                "never the reverse: help flows one way and the source task is left undisturbed.",
)
