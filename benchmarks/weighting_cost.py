"""Per-step cost of every registered weighting strategy relative to EW, on a small configuration.

One training step of the engine (forward, the strategy's backward and combination, optimiser step) on a fixed
batch of 128 rows per run, default synthetic data, MMoE and Shared-Bottom at their default sizes. Time = CPU
seconds of this thread (robust when other programs share the machine). The strategies are timed in
interleaved rounds (every round times each strategy once, --steps steps after a warm-up), so load drift hits
them alike; each keeps its best round, and its ratio is to EW's best round in the same run.

    PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/weighting_cost.py                  # T = 2, R = 1
    PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/weighting_cost.py --tasks 4 --runs 8 --out cost.md
"""
from __future__ import annotations

import argparse
import platform
import time

import torch

from mtl_core.config import default_config
from mtl_core.train import RunSpec, Trainer
from mtl_core.weighting import WEIGHTINGS

MODELS = ("mmoe", "shared_bottom")
BATCH = 128
# settings that time a strategy's steady state rather than its warm-up phase
STEADY = {"stch": {"weighting.warmup_epochs": 0}}


def member(model: str, wid: str, n_tasks: int, runs: int, warmup: int):
    """The engine's stacked model for one strategy, warmed up, and its fixed batch."""
    cfg = default_config(**{"model": model, "weighting": wid, "data.n_train": 600, "data.n_val": 100,
                            "data.n_test": 100, "data.n_tasks": n_tasks, "train.device": "cpu",
                            **STEADY.get(wid, {})})
    trainer = Trainer(cfg, [RunSpec(s) for s in range(runs)])
    m, batch = trainer.main, trainer.splits["train"].take(torch.arange(BATCH).repeat(runs, 1))
    for s in range(warmup):
        m.step(batch, step=s, epoch=0, alive=None)
    return m, batch


def measure(model: str, strategies: list[str], n_tasks: int, runs: int, rounds: int, steps: int,
            warmup: int) -> dict[str, float]:
    """Best CPU seconds per step of each strategy over interleaved rounds."""
    members = {w: member(model, w, n_tasks, runs, warmup) for w in strategies}
    best = {w: float("inf") for w in strategies}
    for r in range(rounds):
        for w, (m, batch) in members.items():
            t = time.thread_time()
            for s in range(steps):
                m.step(batch, step=warmup + r * steps + s, epoch=0, alive=None)
            best[w] = min(best[w], (time.thread_time() - t) / steps)
    return best


def table(results: dict[str, dict[str, float]], strategies: list[str], header: str) -> str:
    cols = " | ".join(f"{m}: ms / step | {m}: × EW" for m in results)
    lines = [header, "", f"| strategy | {cols} |", "|---" * (1 + 2 * len(results)) + "|"]
    for w in strategies:
        cells = " | ".join(f"{r[w] * 1e3:.2f} | {r[w] / r['ew']:.2f}" for r in results.values())
        lines.append(f"| {w} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1, help="runs trained at once in the batched model")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps", type=int, default=20, help="steps timed per round")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--out", help="also write the table (markdown) here")
    a = ap.parse_args()
    torch.set_num_threads(1)
    strategies = ["ew"] + [w for w in WEIGHTINGS if w != "ew"]
    t0 = time.perf_counter()
    results = {m: measure(m, strategies, a.tasks, a.runs, a.rounds, a.steps, a.warmup) for m in MODELS}
    header = (f"Time per optimisation step relative to EW (T = {a.tasks} tasks, R = {a.runs} run(s) per batched "
              f"model, batch {BATCH}, default sizes; best of {a.rounds} interleaved rounds of {a.steps} steps, CPU "
              f"time of one thread; torch {torch.__version__}, {platform.processor() or platform.machine()}; "
              f"{time.perf_counter() - t0:.0f} s wall). `python benchmarks/weighting_cost.py "
              f"--tasks {a.tasks} --runs {a.runs}`")
    text = table(results, strategies, header)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
