"""Registry entry type for architectures and the hyper-parameters most of them share."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..data.base import DatasetSpec
from ..params import Param

EMBED_DIM = Param("embed_dim", 8, "embedding size per categorical field", low=1, high=128, label="Embedding size")
EXPERT_UNITS = Param("expert_units", (16,), "hidden layer sizes of each expert", kind="ints", low=1, high=1024,
                     label="Expert layer sizes")
TOWER_UNITS = Param("tower_units", (8,), "hidden layer sizes of each task tower", kind="ints", low=1, high=1024,
                    label="Tower layer sizes")
N_EXPERTS = Param("n_experts", 8, "number of shared experts", low=1, high=64, label="Experts")


def parallel_tasks(spec: DatasetSpec) -> str | None:
    """Parallel models need at least two tasks; they train any task kind."""
    return None if len(spec.tasks) >= 2 else "needs at least two tasks"


def funnel_tasks(spec: DatasetSpec) -> str | None:
    """ESMM/AITM need binary tasks where each task lives inside the previous one's positives
    (impression -> click -> conversion)."""
    if len(spec.tasks) < 2 or any(t.kind != "binary" for t in spec.tasks):
        return "needs a funnel of binary tasks (e.g. click -> conversion); this dataset has " + \
            ", ".join(f"{t.name} ({t.kind})" for t in spec.tasks)
    for prev, t in zip(spec.tasks, spec.tasks[1:]):
        if t.space != prev.name:
            return f"needs task '{t.name}' to be defined on the positives of '{prev.name}' (a funnel)"
    return None


@dataclass(frozen=True)
class ArchInfo:
    id: str
    name: str
    paper: str
    year: int
    params: tuple[Param, ...]
    cls: Callable  # cls(spec, **params) -> MTLModel
    description: str = ""
    check: Callable[[DatasetSpec], str | None] = parallel_tasks
    backbone: bool = False  # implements `represent()`, so ESMM can put its towers on it

    def supports(self, spec: DatasetSpec) -> str | None:
        """None if this architecture can train on `spec`, else a sentence saying why not."""
        return self.check(spec)
