"""Performance harness (reported numbers, not tests). Run: python benchmarks/run.py [--quick]

`--only targets` prints the engine-speed targets (issue 12), each with its measured value and ratio:
  T1 one MMoE run at the paper size vs DeepCTR-Torch's MMOE (same size, batch 256, Adam 1e-3);
  T2 R = 200 seeds as one batched MMoE: model FLOPs/sample, achieved GFLOP/s vs the machine's measured
     matrix-multiply GFLOP/s, and the speed-up over the same runs trained one after another;
  T3 the mmoe_paper_full preset (1,800 runs): a third of it measured (one batch of 200 per model),
     extrapolated x3, or all of it with --full-preset;
  T4 the Playground (browser): run benchmarks/playground.py against a running app (it needs the app);
  T5 per-step cost of every weighting relative to EW (section 3, `--only weighting`).

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
import os
import platform
import time

import torch

from mtl_core.config import default_config
from mtl_core.data import DATASETS
from mtl_core import timing
from mtl_core.grid import plan_grid, run_grid
from mtl_core.models import ARCHITECTURES
from mtl_core.models.layers import MLP, ExpertBank
from mtl_core.presets import PRESETS
from mtl_core.train import RunSpec, train
from mtl_core.weighting import WEIGHTINGS

# `python benchmarks/run.py` puts this folder first on the import path, so the peer module is found
from peer_deepctr import PeerUnavailable, deepctr_mmoe_throughput  # noqa: E402

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
    """Per-step cost of each strategy relative to EW, in CPU time of the optimisation steps (Snapshot.train_cpu_s:
    the thread's own CPU seconds, which barely move when other programs share the machine, unlike wall time),
    best of REPEATS; wall-clock samples/s alongside."""
    print(f"\n## 3. Per-step cost of each weighting relative to EW (MMoE, batch 256, {epochs} epoch(s) of {n} "
          f"samples, 1 thread; CPU time of the steps, best of {REPEATS})\n")
    print("| weighting | gradient-based | samples/s (wall) | CPU ms / step | vs EW |\n|---|---|---|---|---|")
    base = None
    list(train(default_config(**{"data.n_train": n, "train.epochs": 1, "train.device": DEVICE})))  # warm-up
    for wid, info in WEIGHTINGS.items():
        cfg = default_config(**{"data.n_train": n, "weighting": wid, "train.batch_size": 256,
                                "train.epochs": epochs, "train.snapshots_per_epoch": 1, "train.device": DEVICE})
        sps, cpu = 0.0, float("inf")
        for _ in range(REPEATS):
            last = list(train(cfg))[-1]
            sps, cpu = max(sps, last.samples_per_s), min(cpu, last.train_cpu_s / last.step)
        base = base or cpu
        print(f"| {wid} | {'yes' if info.gradient_based else 'no'} | {sps:,.0f} | {cpu * 1e3:.2f} | {cpu / base:.2f}x |")


def bench_presets() -> None:
    print(f"\n## 4. Wall time of each preset ({DEVICE}, {ALL_THREADS} threads, best of {REPEATS})\n")
    print("| preset | runs | estimated here (mtl_core.timing) | measured s |\n|---|---|---|---|")
    threads(ALL_THREADS)
    for p in PRESETS.values():
        cfg = p.experiment().with_changes(**{"train.device": DEVICE})
        est = timing.estimate([(b.cfg, len(b.runs)) for b in plan_grid(cfg, p.axes, p.seeds)])
        secs = grid_seconds(cfg, p.axes, p.seeds)
        print(f"| {p.id} | {p.n_runs} | {est.seconds:.0f} s | {secs:.1f} |")
    threads(1)


# -- the engine-speed targets (issue 12) ------------------------------------------------------------------
PAPER = {"model": "mmoe", "data.d": 100, "data.n_train": 10_000, "train.batch_size": 256, "train.lr": 1e-3,
         "train.optimizer": "adam", "train.snapshots_per_epoch": 1}


def load() -> str:
    return "load average {:.2f} / {:.2f} / {:.2f} (1 / 5 / 15 min)".format(*os.getloadavg())


def matmul_gflops() -> tuple[float, str]:
    """The machine's single-precision matrix-multiply throughput: best GFLOP/s of square sgemm (512, 1024,
    2048) over 1 thread and all threads, best of REPEATS bursts."""
    best, how = 0.0, ""
    for th in sorted({1, ALL_THREADS}):
        threads(th)
        for n in (512, 1024, 2048):
            a, b = torch.randn(n, n), torch.randn(n, n)
            for _ in range(3):
                a @ b
            k = max(2, int(2e10 / (2 * n ** 3)))
            for _ in range(REPEATS):
                t = time.perf_counter()
                for _ in range(k):
                    a @ b
                g = 2 * n ** 3 * k / (time.perf_counter() - t) / 1e9
                if g > best:
                    best, how = g, f"sgemm {n}x{n}, {th} thread(s)"
    threads(1)
    return best, how


def model_flops_per_sample(cfg) -> float:
    """Matrix-multiply FLOPs of one training step (forward + backward) of the plain nn.Module, per sample,
    as torch.utils.flop_counter counts them (2·M·N·K per matmul; elementwise work not counted)."""
    from torch.utils.flop_counter import FlopCounterMode

    from mtl_core.models import build_model
    info = DATASETS[cfg.data.id]
    data = info.build(dict(cfg.data.params), 0)
    model = build_model(cfg.model.id, data.spec, dict(cfg.model.params))
    B = cfg.train.batch_size
    dense, cat, y, mask = data.train.dense[:B], data.train.cat[:B], data.train.y[:B], data.train.mask[:B]
    with FlopCounterMode(display=False) as fc:
        model.task_losses(model(dense, cat), y, mask).sum().backward()
    return fc.get_total_flops() / B


def target_single(epochs: int) -> None:
    cfg = default_config(**{**PAPER, "train.epochs": epochs, "train.device": "cpu"})
    threads(1)
    print(f"\n## T1. One MMoE run at the paper size (d=100, 8 experts x 16, towers 8, batch 256, Adam 1e-3, "
          f"{epochs} epochs of 10k samples), CPU, 1 thread, best of {REPEATS}\n")
    ours, peer, reason = 0.0, None, ""
    try:  # interleaved, so that both see the same machine
        for _ in range(REPEATS):
            ours = max(ours, throughput(cfg)[0])
            p = deepctr_mmoe_throughput(epochs=epochs, repeats=1)
            peer = p if peer is None or p["best"] > peer["best"] else peer
    except PeerUnavailable as e:
        reason = str(e)
        ours = max(ours, throughput(cfg)[0])
    print(f"| trainer | samples/s |\n|---|---|\n| MTL Explorer (train(), evaluation excluded) | {ours:,.0f} |")
    if peer is None:
        print(f"\nDeepCTR-Torch skipped: {reason}")
        return
    print(f"| DeepCTR-Torch {peer['version']} MMOE, its fit() | {peer['fit']:,.0f} |")
    print(f"| DeepCTR-Torch {peer['version']} MMOE, bare loop over its module | {peer['loop']:,.0f} |")
    r = ours / peer["best"]
    print(f"\n**T1: {ours:,.0f} vs {peer['best']:,.0f} samples/s = {r:.2f}x DeepCTR-Torch's best** "
          f"(target >= 3x: {'met' if r >= 3 else 'MISSED'})")


def target_batched(R: int, epochs: int, n_seq: int, peak: float, peak_how: str) -> None:
    cfg = default_config(**{**PAPER, "train.epochs": epochs, "train.device": DEVICE})
    fps = model_flops_per_sample(cfg)
    bat_sps, bat_wall, bat_threads = 0.0, float("inf"), 1
    for th in sorted({1, ALL_THREADS}):  # the batch at its best thread count (2 threads help only on idle cores)
        threads(th)
        for _ in range(REPEATS):
            t = time.perf_counter()
            last = list(train(cfg, runs=[RunSpec(s) for s in range(R)]))[-1]
            bat_wall = min(bat_wall, time.perf_counter() - t)
            if last.samples_per_s > bat_sps:
                bat_sps, bat_threads = last.samples_per_s, th
    # A long study (e.g. mmoe_paper_full: 200 runs x 800 steps) compiles the expert mix and tunes the allocator
    # (`train.compile_for`); this short one would not, so it is forced here and measured on its own.
    long_sps, compile_s = long_study_throughput(cfg, R, bat_threads)
    threads(1)  # the sequential baseline in its fastest setting
    seq_sps, seq_wall = [], []
    for s in range(n_seq):  # a sample of the sequential runs, each best of REPEATS; scaled to R runs
        sps, wall = throughput(cfg.with_changes(**{"train.seed": s}))
        seq_sps.append(sps)
        seq_wall.append(wall)
    seq_wall_R = sum(seq_wall) / n_seq * R
    seq_rate = sum(seq_sps) / n_seq
    gflops = fps * bat_sps / 1e9
    print(f"\n## T2. R = {R} seeds of MMoE (paper size, {epochs} epoch(s) of 10k samples each) as one batched "
          f"model, {DEVICE}, best of {REPEATS} at 1 and {ALL_THREADS} threads (best: {bat_threads}); sequential "
          f"runs on 1 thread\n")
    print(f"| | value |\n|---|---|\n| model FLOPs per training sample (forward + backward, matmuls) | "
          f"{fps / 1e3:,.1f} k |")
    print(f"| batched training throughput | {bat_sps:,.0f} samples/s |\n| achieved | {gflops:.1f} GFLOP/s |")
    print(f"| machine's matrix multiply ({peak_how}) | {peak:.1f} GFLOP/s |")
    print(f"| sequential: one run at a time ({n_seq} of the {R} runs timed, scaled) | {seq_rate:,.0f} samples/s, "
          f"{seq_wall_R:.1f} s for {R} runs |")
    print(f"| batched wall time, data generation and evaluation included | {bat_wall:.1f} s |")
    long_gflops = fps * long_sps / 1e9
    print(f"| the same as a long study trains it (expert mix compiled once: {compile_s:.0f} s, allocator tuned; "
          f"`MTL_COMPILE=1`) | {long_sps:,.0f} samples/s = {long_gflops:.1f} GFLOP/s |")
    r_peak, r_train, r_wall = gflops / peak, bat_sps / seq_rate, seq_wall_R / bat_wall
    r_long = long_gflops / peak
    print(f"\n**T2a: {gflops:.1f} / {peak:.1f} GFLOP/s = {r_peak:.1%} of the machine's matmul throughput "
          f"eagerly, {r_long:.1%} as a long study** (target >= 25%: eager "
          f"{'met' if r_peak >= 0.25 else 'MISSED'}, long study {'met' if r_long >= 0.25 else 'MISSED'})")
    print(f"**T2b: batched vs sequential: {r_train:.1f}x in training throughput ({long_sps / seq_rate:.1f}x as a "
          f"long study), {r_wall:.1f}x in wall time with data and evaluation** "
          f"(target >= 10x: {'met' if min(max(r_train, long_sps / seq_rate), r_wall) >= 10 else 'MISSED'})")


def long_study_throughput(cfg, R: int, n_threads: int) -> tuple[float, float]:
    """(best samples/s, seconds the one-off compile took) of R runs trained as a long study trains them."""
    from mtl_core.train import Trainer
    threads(n_threads)
    previous = os.environ.get("MTL_COMPILE")
    os.environ["MTL_COMPILE"] = "1"
    best, compile_s = 0.0, 0.0
    try:
        for _ in range(1 + REPEATS):  # the first pass pays for the compile (cached for the process after it)
            trainer = Trainer(cfg, runs=[RunSpec(s) for s in range(R)])
            last = list(trainer)[-1]
            mixer = trainer.main.mixer
            first = compile_s == 0.0 and mixer is not None and mixer.compile_s > 0
            if first:
                compile_s = mixer.compile_s
            else:
                best = max(best, last.samples_per_s)
    finally:
        if previous is None:
            os.environ.pop("MTL_COMPILE", None)
        else:
            os.environ["MTL_COMPILE"] = previous
        threads(1)
    return best, compile_s


def target_preset(full: bool, n_threads: int, workers: int = 1) -> None:
    """Like `python -m mtl_core sweep --preset mmoe_paper_full --threads n_threads --workers workers`."""
    p = PRESETS["mmoe_paper_full"]
    cfg = p.experiment().with_changes(**{"train.device": DEVICE})
    threads(n_threads)
    t = time.perf_counter()
    if full:
        run_grid(cfg, p.axes, p.seeds, workers=workers)
        secs, how = time.perf_counter() - t, "measured, the whole preset"
    elif workers > 1:  # `workers` batches of 200 at rho = 0.5 trained at once: one round of the 9 batches' rounds
        models = list(p.axes["model"])[:workers]
        run_grid(cfg, {"model": models, "data.rho": [0.5]}, p.seeds, workers=workers)
        one = time.perf_counter() - t
        secs = one * 9 / len(models)
        how = (f"extrapolated: {len(models)} batches of 200 runs ({', '.join(models)}) trained at once in "
               f"{one:.0f} s, x{9 / len(models):g} for the preset's 9 batches")
    else:  # one batch of 200 per model (rho = 0.5): a third of the preset's 9 batches of 200
        parts = []
        for model in p.axes["model"]:
            t0 = time.perf_counter()
            run_grid(cfg, {"model": [model], "data.rho": [0.5]}, p.seeds)
            parts.append(time.perf_counter() - t0)
        secs = 3 * sum(parts)
        how = ("extrapolated: one batch of 200 runs per model measured (" +
               ", ".join(f"{m} {s:.0f} s" for m, s in zip(p.axes["model"], parts)) + "), x3 for the three rho")
    print(f"\n## T3. mmoe_paper_full preset ({p.n_runs} runs: 3 models x 3 rho x 200 seeds, 20 epochs of 10k), "
          f"{DEVICE}, {n_threads} thread(s), {workers} worker(s) "
          f"(`sweep --threads {n_threads} --workers {workers}`)\n")
    threads(1)
    limit = 600 if DEVICE == "cpu" else 30
    print(f"**T3: {secs:.0f} s ({how}); target < {limit} s: {'met' if secs < limit else 'MISSED'} "
          f"({secs / limit:.2f}x the limit)**")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda", "mps"), help="where to train (default cpu)")
    ap.add_argument("--repeats", type=int, default=3, help="report the best of this many timings")
    ap.add_argument("--only", help="comma-separated sections to run: targets,arch,bank,batched,weighting,presets "
                    "(default: all)")
    ap.add_argument("--full-preset", action="store_true", help="T3: run the whole mmoe_paper_full preset "
                    "instead of extrapolating from a third of it")
    ap.add_argument("--preset-threads", type=int, help="T3: torch threads for the preset (default: 1 with "
                    "--preset-workers > 1, else all cores)")
    ap.add_argument("--preset-workers", type=int, default=min(2, os.cpu_count() or 1),
                    help="T3: batched models trained at once (default: 2 on 2 or more cores)")
    a = ap.parse_args()
    global DEVICE, REPEATS
    DEVICE, REPEATS = a.device, max(1, a.repeats)
    only = (set(a.only.split(",")) if a.only else
            {"targets", "arch", "bank", "batched", "weighting", "presets"})
    threads(1)  # sections 1 and 3 time single runs
    gpu = f", GPU {torch.cuda.get_device_name()}" if DEVICE == "cuda" else ""
    print(f"# MTL Explorer benchmarks (device: {DEVICE})\n\n{platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPU cores, targets and single runs on 1 torch thread, sections 2 and 4 batched on "
          f"{ALL_THREADS}{gpu}, torch {torch.__version__}, Python {platform.python_version()}")
    print(load())
    q = a.quick
    if "targets" in only:
        peak, how = matmul_gflops()
        target_single(epochs=1 if q else 2)
        target_batched(R=50 if q else 200, epochs=1, n_seq=3 if q else 5, peak=peak, peak_how=how)
        if not q:
            workers = max(1, a.preset_workers)
            target_preset(a.full_preset, a.preset_threads or (1 if workers > 1 else ALL_THREADS), workers)
        print("\nT4 (Playground in the browser): `python benchmarks/playground.py` against a running app.")
        print("T5 (every weighting's per-step cost relative to EW): section 3 below (`--only weighting`).")
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
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
