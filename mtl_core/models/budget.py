"""Parameter budgets: compare architectures at equal size, as the MMoE paper does.

Ma et al., KDD 2018, section 3.3: Shared-Bottom is widened until its parameter count matches the
MMoE's 13,056 (8 experts of 100x16, towers 16x8; weight matrices only), which gives 113 units.
"""
from __future__ import annotations

from ..data.base import DatasetSpec
from . import build_model
from .base import count_parameters


def _count_sb(units: int, spec: DatasetSpec, tower_units, paper_convention: bool) -> int:
    model = build_model("shared_bottom", spec, {"bottom_units": (units,), "tower_units": tuple(tower_units)})
    return count_parameters(model, paper_convention)


def match_shared_bottom(target_params: int, spec: DatasetSpec, tower_units=(8,),
                        paper_convention: bool = True) -> tuple[int, int]:
    """Width of a one-layer Shared-Bottom whose parameter count is nearest `target_params`
    -> (units, its count). Ties go to the smaller width."""
    c1, c2 = (_count_sb(u, spec, tower_units, paper_convention) for u in (1, 2))
    slope = c2 - c1  # the count is linear in the width
    guess = max(1, round((target_params - c1) / slope) + 1)
    best = min(range(max(1, guess - 1), guess + 2),
               key=lambda u: (abs(_count_sb(u, spec, tower_units, paper_convention) - target_params), u))
    return best, _count_sb(best, spec, tower_units, paper_convention)


def param_report(arch: str, spec: DatasetSpec, params: dict | None = None) -> dict:
    """Counts for one configured architecture: total trainable, paper convention, shared between tasks."""
    model = build_model(arch, spec, params)
    shared = set(model.shared_parameter_names())
    return {
        "arch": arch,
        "total": count_parameters(model),
        "paper_convention": count_parameters(model, paper_convention=True),
        "shared": sum(p.numel() for n, p in model.named_parameters() if n in shared),
    }
