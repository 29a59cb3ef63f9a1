"""Expert health of every run of a batch, at a snapshot (`mtl_core.experts.expert_health` per run).

Each run is measured on its own first HEALTH_ROWS validation rows with its own parameters (one slice of
the stacked tensors through the template model), so the numbers are those of that model alone. Models
without softmax-gated expert banks get None and cost nothing.

When: the final snapshot measures every run (up to HEALTH_MAX_RUNS); the snapshots in between measure
only small batches (at most HEALTH_LIVE_RUNS runs, the Playground's live run) and at most once per
HEALTH_INTERVAL_S of wall time, so a live run's view stays current without slowing training down.
Run totals (`HEALTH_METRICS`, (R,) each) go to `Snapshot.extra_metrics` at the final snapshot, and from
there to results.csv, so a study over seeds can count collapsed experts per run.
"""
from __future__ import annotations

import numpy as np
import torch

from ..experts import expert_banks, expert_health
from .data import StackedSplit

HEALTH_ROWS = 512  # validation rows per run: gate means and dead units settle well before this
HEALTH_MAX_RUNS = 256  # a final snapshot of a bigger batch measures its first HEALTH_MAX_RUNS runs
HEALTH_LIVE_RUNS = 4
HEALTH_INTERVAL_S = 1.0
# per-run totals: experts flagged collapsed, of them flagged "dead" / "unused" / duplicates, the mean
# dead-unit share over experts, and the mean over gates of entropy / log E (1 = uniform gates)
HEALTH_METRICS = ("experts_collapsed", "experts_dead", "experts_unused", "experts_duplicate",
                  "experts_dead_share", "gate_entropy_ratio")


def has_experts(model) -> bool:
    """Whether `model` has expert banks whose gates are distributions (what expert_health reports on)."""
    gates = model.structure().gates
    return bool(expert_banks(model)) and bool(gates) and all(g.sums_to_one for g in gates)


@torch.no_grad()
def health_of_runs(model, params: dict[str, torch.Tensor], split: StackedSplit, alive: np.ndarray,
                   max_runs: int = HEALTH_MAX_RUNS, rows: int = HEALTH_ROWS) -> list[dict | None]:
    """[ExpertHealth.to_dict() of run r, or None (diverged, or beyond `max_runs`)] for each run."""
    R = next(iter(params.values())).shape[0]
    out: list[dict | None] = []
    for r in range(R):
        if r >= max_runs or not alive[r]:
            out.append(None)
            continue
        dense, cat = split.dense[r, :rows], split.cat[r, :rows]  # (rows, n_dense), (rows, C)
        h = expert_health(model, dense, cat, params={n: v[r].detach() for n, v in params.items()})
        out.append(None if h is None else h.to_dict())
    return out


def health_totals(health: list[dict | None]) -> dict[str, np.ndarray]:
    """HEALTH_METRICS, (R,) each (NaN for runs without a report)."""
    R = len(health)
    out = {k: np.full(R, np.nan) for k in HEALTH_METRICS}
    for r, h in enumerate(health):
        if h is None:
            continue
        reasons = h["reasons"]
        out["experts_collapsed"][r] = sum(bool(c) for c in h["collapsed"])
        out["experts_dead"][r] = sum("dead" in why for why in reasons)
        out["experts_unused"][r] = sum("unused" in why for why in reasons)
        out["experts_duplicate"][r] = sum(any(w.startswith("duplicate") for w in why) for why in reasons)
        out["experts_dead_share"][r] = float(np.mean(h["dead_share"]))
        ratios = [h["entropy"][g] / h["max_entropy"][g] for g in h["entropy"] if h["max_entropy"][g] > 0]
        out["gate_entropy_ratio"][r] = float(np.mean(ratios)) if ratios else np.nan
    return out
