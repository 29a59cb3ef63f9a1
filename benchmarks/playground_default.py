"""Does the Playground's first Train and its default "Repeat over seeds" study show something?

The numbers behind the Playground's starting configuration (`mtl_core.presets.PLAYGROUND_DEFAULT`):

- the default study, Shared-Bottom (113 units) and MMoE over rho in {0.5, 0.9, 1} in the MMoE-paper regime:
  how much each model's validation loss (mean over the two tasks) rises from rho = 1 to rho = 0.5, and
  whether Shared-Bottom's rise exceeds MMoE's (paired by seed, `mtl_core.stats.paired`);
- the same for the old default study (MMoE over rho in {0, .25, .5, .75, 1}, the synthetic data's defaults);
- the default single run (MMoE at rho = 0.5): how far its loss falls and how far its two gates move from
  uniform and from each other (Jensen-Shannon distance between the tasks' mean gates, bits).

    python benchmarks/playground_default.py                    # fresh seeds 1000-1019 (from the repository root)
    python benchmarks/playground_default.py --seeds 0-9        # the seeds the page's study uses
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch

from mtl_core.config import from_flat
from mtl_core.experiments.gates import js_distance
from mtl_core.grid import run_grid
from mtl_core.presets import PLAYGROUND_DEFAULT, get_preset
from mtl_core.seeds import parse_seeds
from mtl_core.stats import paired
from mtl_core.train import RunSpec, Trainer

OLD_STUDY = ({"model": "mmoe"}, {"data.rho": (0.0, 0.25, 0.5, 0.75, 1.0)})  # the Playground's study before


def loss_by(df: pd.DataFrame) -> pd.DataFrame:
    """(arch, rho) x seed: validation loss averaged over the tasks."""
    return df.groupby(["arch", "relatedness", "seed"])["val_loss"].mean().unstack("seed")


def rise(table: pd.DataFrame, arch: str, lo: float, hi: float) -> np.ndarray:
    """Per seed: loss at rho = lo minus loss at rho = hi (how much the model suffers as tasks drift apart)."""
    return (table.loc[(arch, lo)] - table.loc[(arch, hi)]).to_numpy()


def study(cfg, axes: dict, seeds: list[int]) -> pd.DataFrame:
    t0 = time.perf_counter()
    df = run_grid(cfg, axes, seeds)
    print(f"  [{len(df) // 2} runs in {time.perf_counter() - t0:.0f} s]", flush=True)
    return loss_by(df)


def single_run(seeds: list[int]) -> None:
    """The default single run on each seed: loss after the first epoch and at the end, gates; and the wall
    time of one run alone (what a newcomer's first Train costs)."""
    cfg = get_preset(PLAYGROUND_DEFAULT).experiment()
    t0 = time.perf_counter()
    for _ in Trainer(cfg, [RunSpec(seeds[0], {})], probe_cosine=False):
        pass
    print(f"one run alone (seed {seeds[0]}): {time.perf_counter() - t0:.1f} s")
    trainer = Trainer(cfg, [RunSpec(s, {}) for s in seeds], probe_cosine=False)
    first = last = None
    for last in trainer:
        if first is None and last.epoch_end and last.epoch >= 1:
            first = last
    with torch.no_grad():
        _, gates, _ = trainer.main.predict(trainer.splits["val"])
    g1, g2 = (gates[k].cpu().numpy() for k in sorted(gates)[:2])  # (R, N, E) each
    m1, m2 = g1.mean(1), g2.mean(1)  # (R, E)
    uniform = np.full_like(m1, 1 / m1.shape[1])
    js_tasks, js_uniform = js_distance(m1, m2), (js_distance(m1, uniform) + js_distance(m2, uniform)) / 2
    v0, v1 = np.asarray(first.val_loss).mean(1), np.asarray(last.val_loss).mean(1)
    print(f"single run {cfg.model.id} rho={cfg.data.params['rho']:g}, {cfg.train.epochs} epochs: val loss after "
          f"epoch 1 {v0.mean():.3f} -> end {v1.mean():.3f} (falls on {int((v1 < v0).sum())}/{len(seeds)} seeds); "
          f"mean gate max weight {np.concatenate([m1, m2]).max(1).mean():.3f} (uniform {1 / m1.shape[1]:.3f}); "
          f"JS(gate, uniform) {js_uniform.mean():.3f}, JS(task1 gate, task2 gate) {js_tasks.mean():.3f} "
          f"(sd {js_tasks.std():.3f})")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", default="1000-1019", help="seeds (default: fresh, never used to choose the regime)")
    p.add_argument("--skip-old", action="store_true", help="skip the old default study")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    seeds = parse_seeds(a.seeds, "--seeds", most=200)
    preset = get_preset(PLAYGROUND_DEFAULT)
    base, axes = preset.experiment(), dict(preset.axes)
    print(f"default study: {dict(axes)} over {len(seeds)} seeds ({a.seeds})")
    table = study(base, axes, seeds)
    rhos = sorted(axes["data.rho"])
    lo, hi = rhos[0], rhos[-1]
    for arch in axes["model"]:
        means = ", ".join(f"rho={r:g}: {table.loc[(arch, r)].mean():.4f}" for r in rhos)
        r = rise(table, arch, lo, hi)
        print(f"  {arch:14s} val loss {means}; rise rho {hi:g} -> {lo:g}: {r.mean():+.4f} "
              f"(rho={hi:g} lower than rho={lo:g}: {paired(table.loc[(arch, hi)], table.loc[(arch, lo)]).text()})")
    sb, mm = (rise(table, a_, lo, hi) for a_ in axes["model"])
    print(f"  MMoE's rise smaller than Shared-Bottom's: {paired(mm, sb).text()}")
    for r in rhos:
        print(f"  MMoE lower loss than Shared-Bottom at rho={r:g}: "
              f"{paired(table.loc[('mmoe', r)], table.loc[('shared_bottom', r)]).text()}")
    if not a.skip_old:
        old_cfg = from_flat(OLD_STUDY[0])
        print(f"old default study: MMoE, synthetic defaults, {dict(OLD_STUDY[1])}")
        old = study(old_cfg, OLD_STUDY[1], seeds)
        vals = OLD_STUDY[1]["data.rho"]
        print("  mmoe val loss " + ", ".join(f"rho={r:g}: {old.loc[('mmoe', r)].mean():.4f} "
                                             f"(sd {old.loc[('mmoe', r)].std():.4f})" for r in vals))
        print(f"  rho=1 lower than rho=0: {paired(old.loc[('mmoe', 1.0)], old.loc[('mmoe', 0.0)]).text()}")
        print(f"  rho=1 lower than rho=0.5: {paired(old.loc[('mmoe', 1.0)], old.loc[('mmoe', 0.5)]).text()}")
    single_run(seeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
