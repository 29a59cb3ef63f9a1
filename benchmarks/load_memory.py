"""Memory of one Playground run and of the largest Playground study the classroom caps allow, trained in
this process (`python benchmarks/load.py --per-session-memory`)."""
from __future__ import annotations

import time


def per_session_memory() -> dict:
    """Peak RSS added by one Playground run trained in-process: the default and the largest the classroom
    caps allow (data at MTL_MAX_DATA_MB, sample passes at MTL_MAX_SAMPLE_PASSES, 20 snapshots per epoch)."""
    import gc

    import torch

    from app.memory import rss_mb as self_rss, trim_memory
    from app.server import Limits, over_caps
    from app.ui.jobs import run_job
    from mtl_core.config import from_flat

    torch.set_num_threads(1)
    lim = Limits.from_env()
    largest = {"data.d": 200, "data.n_train": 50_000, "data.n_val": 5_000, "data.n_test": 5_000,
               "train.epochs": 40, "train.snapshots_per_epoch": lim.max_snapshots_per_epoch}
    configs = {"default": {}, "largest_allowed": largest}
    assert not over_caps(from_flat(largest), lim), over_caps(from_flat(largest), lim)
    warm = run_job(from_flat({"data.n_train": 200, "train.epochs": 1}))
    while warm.active:
        warm.pull(1)
    del warm
    trim_memory()
    out = {}
    for name, flat in configs.items():
        trim_memory()
        r0 = self_rss()
        job, peak, t0 = run_job(from_flat(flat)), r0, time.time()
        while job.active and time.time() - t0 < 30:
            job.pull(0.3)
            peak = max(peak, self_rss())
        held = self_rss() - r0
        job.stop()
        del job
        gc.collect()
        trim_memory()
        out[name] = {"config": flat, "peak_added_mb": round(peak - r0, 1), "held_while_training_mb": round(held, 1),
                     "after_free_added_mb": round(self_rss() - r0, 1)}
    return out


def largest_study_memory(seconds: float = 60.0) -> dict:
    """Peak RSS added by the largest Playground study the classroom caps allow: data at the study's data cap
    (`max_study_data_mb` for the batch trained at once), `max_study_runs` runs, the gate's own estimate
    beside it. Trained for at most `seconds`: the peak comes with the first batch."""
    import gc

    import torch

    from app.memory import rss_mb as self_rss, trim_memory
    from app.server import Limits, study_over_caps
    from app.ui.jobs import grid_job
    from mtl_core import admission
    from mtl_core.config import from_flat

    torch.set_num_threads(1)
    lim = Limits.from_env()
    seeds, values = list(range(10)), [0.1, 0.3, 0.5, 0.7, 0.9]  # the Playground's study: 10 seeds x 5 values
    best = None
    for n_train in range(2000, 200_001, 1000):  # the most data whose study is within every cap
        cfg = from_flat({"data.n_train": n_train, "data.n_val": 1000, "data.n_test": 1000, "train.epochs": 1})
        if study_over_caps(cfg, len(seeds) * len(values), len(seeds), lim):
            break
        best = cfg
    cost = admission.estimate(best, len(seeds) * len(values), len(seeds))
    trim_memory()
    r0 = self_rss()
    job, peak, t0 = grid_job(best, {"data.rho": values}, seeds, max_batch=len(seeds)), r0, time.time()
    while job.active and time.time() - t0 < seconds:
        job.pull(0.3)
        peak = max(peak, self_rss())
    job.stop()
    del job
    gc.collect()
    trim_memory()
    return {"n_train": best.data.params["n_train"], "runs": len(seeds) * len(values), "batch": len(seeds),
            "estimate_mb": round(cost.memory_mb, 1), "batch_data_mb": round(cost.batch_data_mb, 1),
            "peak_added_mb": round(peak - r0, 1), "after_free_added_mb": round(self_rss() - r0, 1)}
