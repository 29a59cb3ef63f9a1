"""Studies that outgrow one process: resumable sweeps written batch by batch, on this machine or a Ray cluster.

    from mtl_core.study import LocalBackend, run_sweep
    outcome = run_sweep(parts, "runs/big", backend=LocalBackend(workers=2), max_batch=128)

jobs.py       a planned batch as a unit of work, keyed runs (`run_key`), training one anywhere
store.py      the output folder: writable check, lock, journal, atomic results.csv, failures.csv
runner.py     the loop: skip what is done, keep backends busy, retry, save, stop cleanly on Ctrl-C
local.py      the in-process backend (threads), the default
ray_backend.py  the Ray backend (optional extra `[ray]`, imported only when chosen)
progress.py   runs done / total, time left, throughput per worker
"""
from __future__ import annotations

from .jobs import Job, JobResult, plan_jobs, run_key
from .local import LocalBackend
from .runner import SweepOutcome, run_sweep
from .store import OutError, SweepLock, prepare_out

BACKENDS = ("local", "ray")


def make_backend(name: str, *, workers: int = 1, address: str | None = None, cpus_per_batch: float = 1,
                 gpus_per_batch: float = 0.0):
    """`local` (in-process, `workers` batches at once) or `ray` (a local Ray instance, or the cluster at
    `address`)."""
    if name == "local":
        return LocalBackend(workers)
    if name == "ray":
        from .ray_backend import RayBackend

        return RayBackend(address, cpus_per_batch=cpus_per_batch, gpus_per_batch=gpus_per_batch)
    raise OutError(f"--backend {name}: expected one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "Job", "JobResult", "LocalBackend", "OutError", "SweepLock", "SweepOutcome",
           "make_backend", "plan_jobs", "prepare_out", "run_key", "run_sweep"]
