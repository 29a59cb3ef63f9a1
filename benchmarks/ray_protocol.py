"""The MMoE paper's full protocol (the `mmoe_paper_full` preset: 3 models x 3 correlations x 200 seeds) through
the Ray backend against the in-process one: the same plan on both, the same rows (checked), wall times, their
ratio, and the overhead per batch. Run: python benchmarks/ray_protocol.py [--seeds 10] [--address HOST:6379]

  --seeds N      seeds 0..N-1 (default 200: the whole protocol, 1,800 runs; a few give a quick check)
  --workers W    batches trained at once: W threads in-process; on Ray the plan is cut the same way and the
                 cluster trains as many as its CPUs allow (default 2)
  --threads T    torch threads per batch, and CPUs a Ray task asks for (default 1)
  --address A    a running Ray cluster (default: start a local Ray instance with this machine's CPUs)

Both backends train the same batches (`balanced_max_batch` for W workers), so their rows must agree to the
last bit. Reported: in-process wall; Ray wall from the first submitted batch (start of the Ray instance
apart); Ray / in-process; the overhead per batch = (Ray wall - in-process wall) / batches; and the round trip
of an empty task carrying a planned batch (what Ray adds to every batch, measured alone).
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from mtl_core.experiments.balance import plan_study
from mtl_core.grid import balanced_max_batch
from mtl_core.presets import get_preset
from mtl_core.records import read_results
from mtl_core.study import LocalBackend, plan_jobs, run_sweep
from mtl_core.study.ray_backend import RayBackend

TIMING = ["samples_per_s", "elapsed_s", "step_ms"]


def empty_task(job):
    return len(job.keys)


def round_trip_ms(backend: RayBackend, job, n: int = 20) -> float:
    """Median milliseconds of submit -> result for a task that only unpickles a planned batch."""
    ray = backend.ray
    task = ray.remote(empty_task).options(num_cpus=0.01)
    ray.get(task.remote(job))  # warm: a worker process exists
    times = []
    for _ in range(n):
        t = time.perf_counter()
        ray.get(task.remote(job))
        times.append(time.perf_counter() - t)
    return 1000 * sorted(times)[n // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--address")
    a = ap.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    preset = get_preset("mmoe_paper_full")
    cfg, axes, seeds = preset.experiment(), dict(preset.axes), range(a.seeds)
    parts = plan_study(cfg, axes, seeds, baselines=False)
    max_batch = balanced_max_batch(cfg, axes, seeds, a.workers)
    jobs = plan_jobs(parts, max_batch=max_batch)
    n_runs = sum(j.n_runs for j in jobs)
    print(f"mmoe_paper_full, {a.seeds} seeds: {n_runs} runs as {len(jobs)} batches of up to {max_batch} runs; "
          f"{a.workers} at once, {a.threads} torch thread(s) each; {os.cpu_count()} CPUs")
    tmp = Path(tempfile.mkdtemp(prefix="ray-protocol-"))
    try:
        t = time.perf_counter()
        local = run_sweep(parts, tmp / "local", backend=LocalBackend(a.workers), max_batch=max_batch, progress=False)
        local_s = time.perf_counter() - t
        print(f"in-process: {local_s:.1f} s ({local.runs_trained} runs)")

        t = time.perf_counter()
        backend = RayBackend(a.address, cpus_per_batch=a.threads)
        start_s = time.perf_counter() - t
        trip = round_trip_ms(backend, jobs[0])
        t = time.perf_counter()
        on_ray = run_sweep(parts, tmp / "ray", backend=backend, max_batch=max_batch, progress=False)
        ray_s = time.perf_counter() - t
        backend.close(cancel=False)
        print(f"Ray: {ray_s:.1f} s ({on_ray.runs_trained} runs on {backend.nodes} node(s), {backend.capacity} "
              f"batches at once; starting or joining Ray took {start_s:.1f} s more)")
        for line in on_ray.workers:
            print(line)
        a_df, b_df = (read_results(tmp / d / "results.csv").drop(columns=TIMING) for d in ("local", "ray"))
        same = a_df.equals(b_df)
        print(f"same rows on both backends: {same} ({len(a_df)} rows)")
        mean = b_df.groupby(["arch", "data.rho"]).test_loss.mean().unstack().round(4)
        print("mean test loss (both backends):\n" + mean.to_string())
        print(f"Ray / in-process: {ray_s / local_s:.3f}; overhead per batch {(ray_s - local_s) / len(jobs):+.2f} s "
              f"(end to end); an empty task carrying a batch: {trip:.1f} ms round trip")
        if not same:
            print(pd.concat([a_df, b_df], keys=["local", "ray"]).drop_duplicates(keep=False).head(10).to_string())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
