"""Do the gates separate? The Jensen–Shannon distance between two tasks' mean gate distributions.

The MMoE paper's intuition: with less related tasks each task's gate should pick a different mix of
experts. We measure it: for every run, the mean gate weights of each task over the validation set
(what snapshots carry: {gate: (R, E)}) and the Jensen–Shannon distance between two tasks' gates,

    JSD(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m),  m = ½ (p + q);   distance = sqrt(JSD)

in bits (base 2) by default, so 0 = identical gates and 1 = gates with disjoint support. Gates over
different expert sets (CGC/PLE: a task's gate sees its own experts plus the shared ones) are compared
on the union of their experts, named by `model.gate_layout()`; weight on a task's own experts then
counts as disjoint from the other task's gate.

    df = gate_distance_study(cfg, axes={"data.rho": [0.0, 0.5, 1.0]}, seeds=range(10))
    df.groupby("data.rho").distance.describe()
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import ExperimentConfig
from ..data import DATASETS
from ..grid import iter_grid, plan_grid
from ..models import build_model


def js_divergence(p, q, base: float = 2.0, axis: int = -1) -> np.ndarray:
    """Jensen–Shannon divergence between distributions along `axis` (each is renormalised to sum 1).
    In [0, 1] for base 2, [0, ln 2] for base e."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError(f"distributions of different shapes: {p.shape} and {q.shape}")
    if (p < 0).any() or (q < 0).any():
        raise ValueError("gate weights must be non-negative")
    p = p / p.sum(axis=axis, keepdims=True)
    q = q / q.sum(axis=axis, keepdims=True)
    m = 0.5 * (p + q)

    def kl(a):
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(a > 0, a * np.log(a / m), 0.0)
        return terms.sum(axis=axis)
    out = 0.5 * (kl(p) + kl(q)) / np.log(base)
    return np.clip(out, 0.0, None)


def js_distance(p, q, base: float = 2.0, axis: int = -1) -> np.ndarray:
    """sqrt(JS divergence): a metric; 0 for identical distributions, 1 (base 2) for disjoint ones."""
    return np.sqrt(js_divergence(p, q, base, axis))


def align(gates: Mapping[str, np.ndarray], layout: Mapping[str, Sequence[str]], names: Sequence[str]
          ) -> dict[str, np.ndarray]:
    """Gate weights (..., E_g) over each gate's own experts -> (..., U) over the union of `names`' experts
    (zeros where a gate cannot select an expert)."""
    union: list[str] = []
    for g in names:
        union += [e for e in layout[g] if e not in union]
    out = {}
    for g in names:
        w = np.asarray(gates[g], dtype=float)
        full = np.zeros(w.shape[:-1] + (len(union),))
        full[..., [union.index(e) for e in layout[g]]] = w
        out[g] = full
    return out


def task_gates(layout: Mapping[str, Sequence[str]], tasks: Sequence[str]) -> list[str] | None:
    """The gate serving each task at the last level: MMoE's gate `task`, PLE/CGC's `L<n>/task`.
    None when the model has no per-task gates (OMoE's single gate, gate-free models)."""
    names = []
    for t in tasks:
        found = [g for g in layout if g == t or g.endswith("/" + t)]
        if not found:
            return None
        names.append(sorted(found)[-1])  # the highest level
    return names


def gate_distance(gates: Mapping[str, np.ndarray], layout: Mapping[str, Sequence[str]], tasks: Sequence[str],
                  base: float = 2.0) -> np.ndarray | None:
    """Per-run JS distance (R,) between the first two tasks' mean gates; None without per-task gates."""
    names = task_gates(layout, tasks[:2])
    if names is None:
        return None
    a = align(gates, layout, names)
    return js_distance(a[names[0]], a[names[1]], base)


def gate_distance_study(cfg: ExperimentConfig, axes: Mapping[str, Sequence] | None, seeds: Sequence[int],
                        base: float = 2.0, max_batch: int = 256) -> pd.DataFrame:
    """Train the grid (through the batched engine) and return one row per run: the axes' values, seed,
    arch, status and the JS distance between the two tasks' final mean gates (NaN for models without
    per-task gates and for diverged runs)."""
    batches = plan_grid(cfg, axes, seeds, max_batch)  # what iter_grid trains, in the same order
    rows = []
    for progress in iter_grid(cfg, axes, seeds, max_batch=max_batch):
        if not progress.new_rows:
            continue
        snap, batch = progress.snapshot, batches[progress.batch]
        T = len(snap.tasks)
        first = progress.new_rows[::T]  # one result row per run, in run order
        spec = DATASETS[batch.cfg.data.id].spec(dict(batch.cfg.data.params))
        layout = build_model(batch.cfg.model.id, spec, dict(batch.cfg.model.params)).gate_layout()
        dist = gate_distance(snap.gates, layout, snap.tasks, base) if snap.gates else None
        for r, row in enumerate(first):
            keep = {k: v for k, v in row.items() if k in ("arch", "weighting", "seed", "relatedness", "status")
                    or k in (axes or {})}
            d = float(dist[r]) if dist is not None and row["status"] == "ok" else float("nan")
            rows.append({**keep, "distance": d})
    return pd.DataFrame(rows)


__all__ = ["js_divergence", "js_distance", "align", "task_gates", "gate_distance", "gate_distance_study"]
