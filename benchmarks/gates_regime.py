"""Do MMoE's two gates differ at rho = 0 and agree at rho = 1?  The numbers behind the gates preset.

For each regime, MMoE trains at rho = 0 and rho = 1 on the same seeds (one batched model), and we measure
the Jensen-Shannon distance (bits) between the two tasks' gates on the validation set, two ways:
the distance between the tasks' *mean* gates (what the heatmap shows) and the mean over samples of the
per-sample distance (routing that a mean can hide). The verdict uses mtl_core.stats (paired by seed).

    python benchmarks/gates_regime.py                      # the preset's regime and the old default, fresh seeds
    python benchmarks/gates_regime.py --seeds 50-55 --all  # every regime tried while tuning (the tuning seeds)
    python benchmarks/gates_regime.py --out assets/experiments/gates_regime.csv
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch

from mtl_core.config import from_flat
from mtl_core.engine.runs import RunSpec
from mtl_core.experiments.gates import js_distance
from mtl_core.presets import get_preset
from mtl_core.seeds import parse_seeds
from mtl_core.stats import paired
from mtl_core.train import Trainer

OLD_DEFAULT = {"model": "mmoe", "data.rho": 0.0, "train.epochs": 15}  # the preset before the search
TRIED = {  # regimes tried on the tuning seeds 50-55 (one change at a time from the old default)
    "4 experts of 8 units": {"model.n_experts": 4, "model.expert_units": "8"},
    "2 experts": {"model.n_experts": 2},
    "4 experts of 8, lr 0.01": {"model.n_experts": 4, "model.expert_units": "8", "train.lr": 0.01},
    "4 experts of 4, lr 0.01": {"model.n_experts": 4, "model.expert_units": "4", "train.lr": 0.01},
    "4 experts of 4, lr 0.02": {"model.n_experts": 4, "model.expert_units": "4", "train.lr": 0.02},
    "d 20, c 2, 4 experts of 8, lr 0.01": {"model.n_experts": 4, "model.expert_units": "8", "data.d": 20,
                                           "data.c": 2.0, "train.lr": 0.01},
    "no sine terms (m 0)": {"model.n_experts": 4, "model.expert_units": "8", "data.m": 0},
    "40 epochs": {"model.n_experts": 4, "model.expert_units": "8", "train.epochs": 40},
}


def measure(flat: dict, seeds: list[int]) -> pd.DataFrame:
    """One row per (rho, seed): mean-gate and per-sample JS distance, and the mean validation loss."""
    runs = [RunSpec(s, {"data.rho": r}) for r in (0.0, 1.0) for s in seeds]
    trainer = Trainer(from_flat(flat), runs, probe_cosine=False)
    for last in trainer:
        pass
    with torch.no_grad():
        _, gates, _ = trainer.main.predict(trainer.splits["val"])
    g1, g2 = (gates[k].cpu().numpy() for k in sorted(gates)[:2])  # (R, N, E) each
    mean_js = js_distance(g1.mean(1), g2.mean(1))  # (R,)
    sample_js = js_distance(g1, g2).mean(1)  # (R,)
    val = np.asarray(last.val_loss, dtype=float).mean(1)  # (R,)
    return pd.DataFrame({"rho": [r for r in (0.0, 1.0) for _ in seeds], "seed": seeds * 2,
                         "mean_gate_js": mean_js, "per_sample_js": sample_js, "val_loss": val})


def summary(name: str, df: pd.DataFrame) -> str:
    a, b = (df[df.rho == r].sort_values("seed") for r in (0.0, 1.0))
    v = paired(a.mean_gate_js.to_numpy(), b.mean_gate_js.to_numpy(), higher_is_better=True)
    return (f"{name:36s} mean-gate JS rho=0 {a.mean_gate_js.mean():.3f} (sd {a.mean_gate_js.std():.3f}), "
            f"rho=1 {b.mean_gate_js.mean():.3f} (sd {b.mean_gate_js.std():.3f}), ratio "
            f"{a.mean_gate_js.mean() / b.mean_gate_js.mean():.1f}; per-sample {a.per_sample_js.mean():.3f} vs "
            f"{b.per_sample_js.mean():.3f}; val loss {df.val_loss.mean():.3f}; rho=0 minus rho=1: {v.text(pct=False)}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", default="1000-1019", help="seeds (default: fresh seeds, never used while tuning)")
    p.add_argument("--all", action="store_true", help="also every regime tried while tuning")
    p.add_argument("--out", help="write every row to this CSV")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    seeds = parse_seeds(a.seeds, "--seeds", most=200)
    preset = {k: (",".join(map(str, v)) if isinstance(v, tuple) else v)
              for k, v in get_preset("gates_unrelated").config.items()}
    regimes = {"gates_unrelated (the preset)": preset, "old default (8 experts of 16, lr 0.001)": OLD_DEFAULT}
    if a.all:
        regimes.update({k: {**OLD_DEFAULT, **v} for k, v in TRIED.items()})
    frames = []
    for name, flat in regimes.items():
        t0 = time.perf_counter()
        df = measure(dict(flat), seeds).assign(regime=name)
        print(summary(name, df) + f" [{time.perf_counter() - t0:.0f} s]", flush=True)
        frames.append(df)
    if a.out:
        pd.concat(frames).to_csv(a.out, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
