"""Registry entry type for weighting strategies."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..params import Param


@dataclass(frozen=True)
class WeightingInfo:
    id: str
    name: str
    paper: str
    year: int
    params: tuple[Param, ...]
    cls: Callable  # cls(tasks, seeds, **params) -> Weighting
    description: str = ""

    @property
    def gradient_based(self) -> bool:
        """Declared by the strategy class (`needs_gradients`), nowhere else."""
        return bool(self.cls.needs_gradients)
