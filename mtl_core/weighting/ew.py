"""EW: equal weights, the plain sum of task losses (every task weight is 1)."""
from __future__ import annotations

from .base import Weighting
from .registry import WeightingInfo


class EqualWeighting(Weighting):
    """Σ_k L_k. The baseline every other strategy is compared against."""


INFO = WeightingInfo(id="ew", name="Equal weights (EW)", paper="(baseline)", year=0, params=(),
                     cls=EqualWeighting, description="Sum the task losses unchanged.")
