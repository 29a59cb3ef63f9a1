"""How long a run or a study will take on THIS machine, said before it starts.

A fixed "expected seconds" cannot be right on every machine, nor on one machine under another load, so
every number is measured here, when it is asked for, by short probes (cached for the process):

- the optimisation step of each distinct batch configuration (architecture, weighting, sizes, batch
  size): its model and weighting are built for 1 run and for the batch's own runs (at most PROBE_MAX_RUNS)
  and a few steps on random inputs of the dataset's shapes are timed; a step of R runs then costs
  `fixed + R * per_run` (the batched engine trains R runs as one model, so time grows about linearly in R from
  a fixed per-step cost, a little faster once its tensors outgrow the caches: hence the batch's own R);
- the evaluation passes (a forward over the validation split at every snapshot, the test split at the end),
  priced per row at a third of a training step's per-run cost (a forward without backward or update, in
  chunks large enough that fixed costs vanish);
- the data: each dataset is generated once at a twentieth of its size and timed, scaled to the run's size
  and built once per run (the engine builds every run's data).

    est = estimate_preset(PRESETS["mmoe_paper_quick"], workers=2)    # Estimate(seconds=..., ...)
    print(est.text())                                                 # "~1 min 10 s"

`workers` batches train at once (the CLI's --workers); the estimate assumes they share the machine's cores
evenly. The preset table's measured times and this module's estimates are compared by
`benchmarks/preset_times.py` (assets/timing/preset_times.csv).
"""
from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import torch

from .config import ExperimentConfig, from_flat
from .data import DATASETS
from .data.base import DatasetSpec

PROBE_MAX_RUNS = 32  # the second probe trains the batch's own runs, up to this many (the first has 1)
PROBE_STEPS = 3  # timed steps per probe (after one untimed warm-up step)
PROBE_MIN_S = 0.02  # ... or more, until this much time has passed
DATA_FRACTION = 20  # the data probe builds 1/20 of the dataset
CONCURRENT_PROBE_S = 0.1  # how long the workers step together to price sharing the machine
EVAL_COST = 1 / 3  # an evaluated row against a trained one: a forward without backward or update

_LOCK = threading.Lock()
_STEP_CACHE: dict[tuple, tuple[float, float]] = {}  # probe key -> (fixed s, per-run s) of one step
_DATA_CACHE: dict[tuple, tuple[float, float]] = {}  # (data id, params) -> (s per run's build, eval rows)


@dataclass(frozen=True)
class Estimate:
    seconds: float
    steps: int  # optimisation steps over all batches (each batch's count once, whatever its runs)
    batches: int
    probe_s: float  # what measuring took (probes cached earlier cost nothing)

    def text(self) -> str:
        return "~" + format_seconds(self.seconds)


def format_seconds(s: float) -> str:
    """12 s, 1 min 10 s, 1 h 05 min (rounded to what a person plans by)."""
    if not math.isfinite(s):
        return "?"
    s = max(1, round(s))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        m, r = divmod(s, 60)
        return f"{m} min {r:02d} s" if m < 10 else f"{round(s / 60)} min"
    h, r = divmod(round(s / 60), 60)
    return f"{h} h {r:02d} min"


# ---- the probes ----------------------------------------------------------------------------------------------
def _fake_batch(spec: DatasetSpec, R: int, B: int, seed: int = 0):
    """Random inputs and labels of the dataset's shapes: (R, B, ...) tensors, as `StackedSplit.take` gives."""
    g = torch.Generator().manual_seed(seed)
    dense = torch.randn(R, B, spec.schema.n_dense, generator=g)
    sizes = [n for _, n in spec.schema.categorical]
    cat = torch.zeros(R, B, spec.schema.n_categorical, dtype=torch.long)
    for j, n in enumerate(sizes):
        cat[:, :, j] = torch.randint(0, max(1, int(n)), (R, B), generator=g)
    y = torch.stack([torch.randn(R, B, generator=g) if t.kind == "regression"
                     else torch.randint(0, 2, (R, B), generator=g).float() for t in spec.tasks], -1)
    return dense, cat, y, torch.ones_like(y)


def _stepper(cfg: ExperimentConfig, spec: DatasetSpec, R: int, record_conflict: bool):
    """A function running one step of the training loop (the rows gathered, the update, the losses read back)
    of a fresh batch of R runs on random inputs, warmed up."""
    from .engine.data import StackedSplit  # noqa: PLC0415 - the engine only when a probe runs
    from .engine.runs import RunSpec, run_configs  # noqa: PLC0415
    from .engine.stacked import StackedRuns  # noqa: PLC0415

    configs = run_configs(cfg, [RunSpec(s) for s in range(R)])
    runs = StackedRuns(configs, spec, torch.device("cpu"), record_conflict=record_conflict)
    B = cfg.train.batch_size
    split = StackedSplit(*_fake_batch(spec, R, 4 * B), {})
    perm = torch.stack([torch.randperm(4 * B) for _ in range(R)])  # (R, 4B)

    def step(i: int) -> None:
        batch = split.take(perm[:, (i % 4) * B:(i % 4 + 1) * B])
        losses, w = runs.step(batch, i, 0, None)
        float(losses.sum()), losses.cpu(), w.cpu()

    step(0)  # warm-up: first-call allocations and lazy initialisation
    return step


def _time_steps(cfg: ExperimentConfig, spec: DatasetSpec, R: int, record_conflict: bool,
                min_s: float = PROBE_MIN_S) -> float:
    """Seconds of one step of the training loop of a batch of R runs."""
    step = _stepper(cfg, spec, R, record_conflict)
    n, t0 = 0, time.perf_counter()
    while n < PROBE_STEPS or time.perf_counter() - t0 < min_s:
        n += 1
        step(n)
    return (time.perf_counter() - t0) / n


def _concurrent_step_s(cfg: ExperimentConfig, spec: DatasetSpec, R: int, workers: int) -> float:
    """Seconds of one step of each of `workers` batches stepping at once in this process's threads, as a sweep's
    workers do (they share the cores and the interpreter, so W workers rarely go W times as fast)."""
    import threading as th  # noqa: PLC0415

    steppers = [_stepper(cfg, spec, R, False) for _ in range(workers)]
    start, stop = th.Barrier(workers + 1), th.Event()
    counts = [0] * workers

    def loop(k: int) -> None:
        torch.set_num_threads(1)
        start.wait()
        while not stop.is_set():
            counts[k] += 1
            steppers[k](counts[k])

    threads = [th.Thread(target=loop, args=(k,), daemon=True) for k in range(workers)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(CONCURRENT_PROBE_S)
    stop.set()
    for t in threads:
        t.join()
    return (time.perf_counter() - t0) / max(sum(counts) / workers, 1.0)


def concurrency_slowdown(cfg: ExperimentConfig, workers: int, n_runs: int = 2) -> float:
    """How much longer a step takes when `workers` batches step at once, one thread each (as a sweep trains
    them), than one batch alone as `step_cost` probes it (1.0 = `workers` cores shared perfectly), measured
    here on cfg's model; 1.0 for one worker."""
    workers = max(1, min(int(workers), usable_cores()))
    if workers == 1:
        return 1.0
    spec = DATASETS[cfg.data.id].spec(dict(cfg.data.params))
    runs = min(max(int(n_runs), 2), PROBE_MAX_RUNS)
    flat = {k: v for k, v in cfg.to_flat().items() if not k.startswith("data.") and k != "train.seed"}
    key = ("concurrent", tuple(sorted(flat.items())), _spec_key(spec), runs, workers)
    with _LOCK:
        if key not in _STEP_CACHE:
            probe = cfg.with_changes(**{"train.device": "cpu"})
            threads = torch.get_num_threads()
            alone = _time_steps(probe, spec, runs, False, CONCURRENT_PROBE_S)  # `step_cost`'s threads
            try:
                torch.set_num_threads(1)
                together = _concurrent_step_s(probe, spec, runs, workers)
            finally:
                torch.set_num_threads(threads)
            # At most `workers`: a short probe of interpreter-bound steps (e.g. a solver per step) overstates
            # the convoy that whole batches meet, which end up about as slow as one after another.
            _STEP_CACHE[key] = (min(max(together / max(alone, 1e-9), 1.0), float(workers)), 0.0)
        return _STEP_CACHE[key][0]


def step_cost(cfg: ExperimentConfig, record_conflict: bool = False, n_runs: int = 2) -> tuple[float, float]:
    """(fixed, per-run) seconds of one optimisation step of a batch of n_runs runs with cfg's settings, measured
    here. Probed on the CPU (a GPU's timings need a synchronising probe; the estimate is then an upper bound)."""
    flat = {k: v for k, v in cfg.to_flat().items() if not k.startswith("data.") and k != "train.seed"}
    spec = DATASETS[cfg.data.id].spec(dict(cfg.data.params))
    runs = min(max(int(n_runs), 2), PROBE_MAX_RUNS)
    key = (tuple(sorted(flat.items())), _spec_key(spec), record_conflict, runs)
    with _LOCK:
        if key not in _STEP_CACHE:
            probe = cfg.with_changes(**{"train.device": "cpu"})
            one = _time_steps(probe, spec, 1, record_conflict)
            many = _time_steps(probe, spec, runs, record_conflict)
            per_run = max((many - one) / (runs - 1), many / runs / 4, 0.0)
            _STEP_CACHE[key] = (max(one - per_run, 0.0), per_run)
        return _STEP_CACHE[key]


def _spec_key(spec: DatasetSpec) -> tuple:
    return (spec.schema.n_dense, spec.schema.n_categorical, spec.schema.categorical,
            tuple((t.name, t.kind) for t in spec.tasks))


def data_cost(cfg: ExperimentConfig) -> tuple[float, float]:
    """(seconds to build one run's data, evaluation rows per pass), from building the dataset at
    1/DATA_FRACTION and 2/DATA_FRACTION of its size here and extending both linearly (a split may be a fixed
    size or a fraction). A dataset that cannot be built (e.g. Census before it is fetched) costs nothing to
    build and is evaluated on a quarter of its training rows."""
    info = DATASETS[cfg.data.id]
    params = dict(cfg.data.params)
    key = (cfg.data.id, tuple(sorted((k, str(v)) for k, v in params.items())))
    with _LOCK:
        if key in _DATA_CACHE:
            return _DATA_CACHE[key]
        full = int(params[info.size_param])
        small = max(full // DATA_FRACTION, int(info.param(info.size_param).low or 1))
        try:
            points = []
            for n in (small, 2 * small):
                t0 = time.perf_counter()
                data = info.build({**params, info.size_param: n}, 0)
                points.append((n, time.perf_counter() - t0, (len(data.val) + len(data.test)) / 2))
            (n1, s1, e1), (n2, s2, e2) = points
            slope = max(s2 - s1, 0.0) / (n2 - n1)
            build = max(s1 + slope * (full - n1), s2)
            rows = max(e1 + (e2 - e1) / (n2 - n1) * (full - n1), e2)
        except Exception:  # noqa: BLE001 - not buildable here: no data cost, a typical evaluation share
            build, rows = 0.0, 0.25 * info.train_size(params)
        _DATA_CACHE[key] = (build, rows)
        return _DATA_CACHE[key]


# ---- estimates -------------------------------------------------------------------------------------------------
def batch_seconds(cfg: ExperimentConfig, n_runs: int, *, snapshots_per_epoch: int = 1,
                  record_conflict: bool = False) -> tuple[float, int]:
    """(seconds, steps) of one batch of n_runs runs: data, optimisation steps, evaluations."""
    fixed, per_run = step_cost(cfg, record_conflict, n_runs)
    step = fixed + n_runs * per_run
    build, eval_rows = data_cost(cfg)
    n_train = DATASETS[cfg.data.id].train_size(dict(cfg.data.params))
    steps_per_epoch = math.ceil(n_train / cfg.train.batch_size)
    steps = steps_per_epoch * cfg.train.epochs
    passes = snapshots_per_epoch * cfg.train.epochs + 2  # validation at every snapshot and at step 0, then test
    eval_s = passes * eval_rows * n_runs * EVAL_COST * per_run / cfg.train.batch_size  # large chunks: no fixed cost
    twin = 2 if cfg.train.baseline and cfg.model.id != "single_task" else 1  # baselines train alongside
    return n_runs * build + twin * (step * steps + eval_s), steps


def estimate(batches: Iterable[tuple[ExperimentConfig, int]], *, workers: int = 1, snapshots_per_epoch: int = 1,
             record_conflict: bool = False) -> Estimate:
    """Seconds for batches [(cfg, n_runs), ...] trained `workers` at a time (longest first, as a pool would
    finish them at best), measured on this machine."""
    t0 = time.perf_counter()
    batches = list(batches)
    parallel = max(1, min(workers, usable_cores(), len(batches) or 1))
    costs, steps = [], 0
    for cfg, n in batches:
        s, k = batch_seconds(cfg, n, snapshots_per_epoch=snapshots_per_epoch, record_conflict=record_conflict)
        costs.append(s * concurrency_slowdown(cfg, parallel, n))
        steps += k
    seconds = _schedule(costs, workers)
    return Estimate(seconds, steps, len(costs), time.perf_counter() - t0)


def _schedule(costs: Sequence[float], workers: int) -> float:
    """Makespan of greedy longest-first scheduling on `workers` equal workers (never below one cost)."""
    workers = max(1, min(workers, usable_cores(), len(costs) or 1))
    loads = [0.0] * workers
    for c in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += c
    return max(loads) if loads else 0.0


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def preset_batches(preset, *, seeds: Sequence[int] | None = None, max_batch: int = 256,
                   baselines: bool | None = None) -> tuple[list[tuple[ExperimentConfig, int]], bool]:
    """What a preset trains, as batches [(cfg, n_runs)], the way its page (and the CLI) trains it, and whether
    it records the gradient conflict: a funnel preset every compared model over its seeds; a balancing
    scenario its strategies, static-weight grid and single-task baselines; any other study its grid; a
    single run one batch."""
    from .grid import plan_grid  # noqa: PLC0415 - the grid imports the engine

    seeds = list(preset.seeds if seeds is None else seeds)
    if preset.section == "funnel":
        from .experiments.funnel import DEFAULT_MODELS, model_config  # noqa: PLC0415

        return [(model_config(dict(preset.config), m), len(seeds)) for m in DEFAULT_MODELS], False
    if preset.section == "balance":
        from .experiments.balance import SCENARIOS, scenario_parts  # noqa: PLC0415

        parts = scenario_parts(preset, seeds=seeds, baselines=baselines)
        record = bool(SCENARIOS.get(preset.id) and SCENARIOS[preset.id].record_conflict)
        return [(b.cfg, len(b.runs)) for p in parts for b in plan_grid(p.cfg, p.axes, p.seeds, max_batch)], record
    cfg = preset.experiment()
    if not preset.is_study:
        return [(cfg, 1)], False  # trained with its own snapshots_per_epoch (the live view's)
    return [(b.cfg, len(b.runs)) for b in plan_grid(cfg, preset.axes, seeds, max_batch)], False


def estimate_preset(preset, *, workers: int = 1, seeds: Sequence[int] | None = None,
                    snapshots_per_epoch: int = 1) -> Estimate:
    """The preset's time on this machine (see `preset_batches` for what it trains)."""
    from .grid import balanced_max_batch  # noqa: PLC0415

    max_batch = 256
    if preset.is_study and preset.section not in ("funnel", "balance"):
        max_batch = balanced_max_batch(preset.experiment(), preset.axes, list(seeds or preset.seeds), workers)
    batches, record = preset_batches(preset, seeds=seeds, max_batch=max_batch)
    if preset.section == "funnel":
        workers = 1  # the funnel explorer trains its models one after another
    if not preset.is_study:
        snapshots_per_epoch = preset.experiment().train.snapshots_per_epoch
    return estimate(batches, workers=workers, snapshots_per_epoch=snapshots_per_epoch, record_conflict=record)


def estimate_config(cfg: ExperimentConfig | Mapping, n_runs: int = 1, **kw) -> Estimate:
    """One batch of n_runs runs of cfg (a config or its flat dict)."""
    if not isinstance(cfg, ExperimentConfig):
        cfg = from_flat(cfg)
    return estimate([(cfg, n_runs)], **kw)


def clear_cache() -> None:
    """Forget every probe (e.g. when the machine's load changed)."""
    with _LOCK:
        _STEP_CACHE.clear()
        _DATA_CACHE.clear()
