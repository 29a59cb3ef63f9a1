"""Performance harness (reported numbers, not tests). Run: python benchmarks/run.py [--quick]

1. training throughput of every architecture at the MMoE paper size (d=100, 8 experts x 16, towers 8,
   batch 256) on CPU, and the vectorised ExpertBank against a loop over per-expert modules;
2. R seeds of MMoE through the batched engine against the same R runs one after another;
3. per-step cost of each weighting strategy relative to EW;
4. wall time of every preset (what a page or `sweep --preset` costs on this machine).
Every ratio compares numbers measured in the same run on the same machine. Studies go through
`mtl_core.grid.run_grid`, the entry point the CLI and the pages use.
"""
from __future__ import annotations

import argparse
import platform
import time

import torch

from mtl_core.config import default_config
from mtl_core.data import DATASETS
from mtl_core.grid import run_grid
from mtl_core.models import ARCHITECTURES
from mtl_core.models.layers import MLP, ExpertBank
from mtl_core.presets import PRESETS
from mtl_core.train import train
from mtl_core.weighting import WEIGHTINGS

DEVICE = "cpu"  # set by --device


def dataset_for(arch: str) -> str:
    for data_id, info in DATASETS.items():
        if ARCHITECTURES[arch].supports(info.spec({p.name: p.default for p in info.params})) is None:
            return data_id
    raise RuntimeError(arch)


ALL_THREADS = torch.get_num_threads()


def threads(n: int) -> None:
    """Single small runs are fastest on one thread (less sync overhead); the batched engine uses all."""
    torch.set_num_threads(n)


REPEATS = 3  # best of N: this class of machine is shared and single timings wander by ±30%


def throughput(cfg) -> tuple[float, float]:
    """(training samples/s, wall seconds) of one run, best of REPEATS passes of train()."""
    best = (0.0, float("inf"))
    for _ in range(REPEATS):
        t = time.perf_counter()
        last = list(train(cfg))[-1]
        best = (max(best[0], last.samples_per_s), min(best[1], time.perf_counter() - t))
    return best


def grid_seconds(cfg, axes, seeds) -> float:
    """Wall seconds of a study through run_grid, best of REPEATS."""
    best = float("inf")
    for _ in range(REPEATS):
        t = time.perf_counter()
        run_grid(cfg, axes, seeds)
        best = min(best, time.perf_counter() - t)
    return best


def bench_architectures(n: int, epochs: int) -> None:
    print(f"\n## 1a. Training throughput per architecture ({DEVICE}, batch 256, {epochs} epoch(s) of {n} samples)\n")
    print("| architecture | dataset | samples/s |\n|---|---|---|")
    for arch in ARCHITECTURES:
        data = dataset_for(arch)
        size = f"data.{DATASETS[data].size_param}"
        cfg = default_config(**{"data": data, size: n, "model": arch, "train.batch_size": 256,
                                "train.epochs": epochs, "train.snapshots_per_epoch": 1, "train.device": DEVICE})
        sps, _ = throughput(cfg)
        print(f"| {arch} | {data} | {sps:,.0f} |")


def bench_expert_bank(reps: int) -> None:
    torch.manual_seed(0)
    B, D, E, H = 256, 100, 8, 16
    x = torch.randn(B, D)
    bank = ExpertBank(E, D, (H,))
    loop = torch.nn.ModuleList(MLP(D, (H,)) for _ in range(E))

    def run(f):
        for _ in range(20):  # warm-up
            f()
        t = time.perf_counter()
        for _ in range(reps):
            f()
        return (time.perf_counter() - t) / reps

    def best(f):
        return min(run(f) for _ in range(REPEATS))

    def vec():
        bank(x).sum().backward()

    def looped():
        torch.stack([m(x) for m in loop], 1).sum().backward()

    tv, tl = best(vec), best(looped)
    print("\n## 1b. Expert bank: one batched matmul vs a Python loop over 8 expert modules (forward+backward, batch 256)\n")
    print("| implementation | µs / step |\n|---|---|")
    print(f"| vectorised ExpertBank | {tv * 1e6:,.0f} |\n| loop over nn.Modules | {tl * 1e6:,.0f} |")
    print(f"\n**speed-up: {tl / tv:.2f}x**")


def bench_batched(R: int, n: int, epochs: int) -> None:
    cfg = default_config(**{"data.n_train": n, "model": "mmoe", "train.epochs": epochs, "train.batch_size": 256,
                            "train.snapshots_per_epoch": 1, "train.device": DEVICE})
    threads(1)  # the sequential baseline in its fastest setting
    seq = sum(throughput(cfg.with_changes(**{"train.seed": s}))[1] for s in range(R))  # each best of REPEATS
    threads(ALL_THREADS)
    bat = grid_seconds(cfg, {}, range(R))
    print(f"\n## 2. {R} seeds of MMoE ({epochs} epochs of {n} samples each, data generation and evaluation "
          f"included; each timing best of {REPEATS}; sequential on 1 thread, its fastest; batched on "
          f"{ALL_THREADS})\n")
    print(f"| engine | wall s |\n|---|---|\n| {R} sequential runs | {seq:.1f} |\n| one batched model (R={R}) | {bat:.1f} |")
    print(f"\n**speed-up: {seq / bat:.1f}x**")


def bench_weightings(n: int, epochs: int) -> None:
    print(f"\n## 3. Per-step cost of each weighting relative to EW (MMoE, batch 256, {epochs} epoch(s) of {n} samples)\n")
    print("| weighting | gradient-based | samples/s | time per step vs EW |\n|---|---|---|---|")
    base = None
    for wid, info in WEIGHTINGS.items():
        cfg = default_config(**{"data.n_train": n, "weighting": wid, "train.batch_size": 256,
                                "train.epochs": epochs, "train.snapshots_per_epoch": 1, "train.device": DEVICE})
        sps, _ = throughput(cfg)
        base = base or sps
        print(f"| {wid} | {'yes' if info.gradient_based else 'no'} | {sps:,.0f} | {base / sps:.2f}x |")


def bench_presets() -> None:
    print(f"\n## 4. Wall time of each preset ({DEVICE}, {ALL_THREADS} threads, best of {REPEATS})\n")
    print("| preset | runs | expected (registry) | measured s |\n|---|---|---|---|")
    threads(ALL_THREADS)
    for p in PRESETS.values():
        cfg = p.experiment().with_changes(**{"train.device": DEVICE})
        secs = grid_seconds(cfg, p.axes, p.seeds)
        print(f"| {p.id} | {p.n_runs} | {p.expected_s:.0f} s | {secs:.1f} |")
    threads(1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda", "mps"), help="where to train (default cpu)")
    ap.add_argument("--repeats", type=int, default=3, help="report the best of this many timings")
    ap.add_argument("--only", help="comma-separated sections to run: arch,bank,batched,weighting,presets")
    a = ap.parse_args()
    global DEVICE, REPEATS
    DEVICE, REPEATS = a.device, max(1, a.repeats)
    only = set(a.only.split(",")) if a.only else {"arch", "bank", "batched", "weighting", "presets"}
    threads(1)  # sections 1 and 3 time single runs
    gpu = f", GPU {torch.cuda.get_device_name()}" if DEVICE == "cuda" else ""
    print(f"# MTL Explorer benchmarks (device: {DEVICE})\n\n{platform.processor() or platform.machine()}, "
          f"single runs on 1 torch thread, batched runs on {ALL_THREADS}{gpu}, torch {torch.__version__}, Python {platform.python_version()}")
    q = a.quick
    if "arch" in only:
        bench_architectures(n=5000 if q else 10000, epochs=1 if q else 2)
    if "bank" in only:
        bench_expert_bank(reps=300 if q else 2000)
    if "batched" in only:
        bench_batched(R=50, n=2000 if q else 10000, epochs=1 if q else 3)
    if "weighting" in only:
        bench_weightings(n=3000 if q else 10000, epochs=1 if q else 3)
    if "presets" in only:
        bench_presets()


if __name__ == "__main__":
    main()
