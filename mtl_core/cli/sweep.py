"""`sweep`: a study (architectures x weightings x relatedness x seeds, optionally with single-task baselines),
trained batched; writes results.csv and prints the means and each strategy's verdict against EW."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import DEFAULT_IDS, ExperimentConfig, from_flat
from ..data import DATASETS
from ..models import ARCHITECTURES
from ..params import ConfigError
from ..presets import get_preset
from ..weighting import WEIGHTINGS
from .flags import MAX_BATCH_LIMIT, UsageError, build_flat, default_workers, id_list, int_flag, seeds_flag
from .train import add_config_flags


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="a study: architectures x weightings x relatedness x seeds; writes results.csv")
    add_config_flags(p, sweep=True)
    p.add_argument("--archs", help="comma-separated architecture ids (default: the configuration's)")
    p.add_argument("--weightings", help="comma-separated weighting ids (default: the configuration's)")
    p.add_argument("--rhos", "--relatedness", dest="rhos",
                   help="comma-separated values of the dataset's task-relatedness knob (ρ for synthetic data)")
    p.add_argument("--seeds", help="a count (20 = seeds 0-19) or a range (100-119); default 10 or the preset's")
    p.add_argument("--first-seed", type=int_flag(0, 2**31 - 1), default=0, help="shift every seed by this much")
    p.add_argument("--max-batch", type=int_flag(1, MAX_BATCH_LIMIT), default=256,
                   help="most runs trained at once in one batched model")
    p.add_argument("--baselines", action="store_true", help="also train single-task baselines on the same data, "
                   "seeds and budget; adds single_task_metric, mtl_gain and mtl_gain_pct to every row (gain: "
                   "higher is better, AUC: MTL − single, MSE: single − MTL)")
    p.add_argument("--conflict", action="store_true", help="record the gradient cosine between tasks before and "
                   "after the weighting at every step (extra columns; on by itself for balance_conflict)")
    p.add_argument("--threads", type=int_flag(1, 1024), help="torch CPU threads (default: 1 per worker when "
                   "there are several workers, else torch's choice)")
    p.add_argument("--workers", type=int_flag(1, 1024), default=None, help="batched models trained at once, one "
                   f"thread each (default: the cores this process may use, here {default_workers()}); with "
                   "--backend ray it only cuts the batches, the cluster's size sets how many train at once")
    p.add_argument("--backend", choices=("local", "ray"), default="local", help="where batches train: local "
                   "(this process, the default) or ray (a Ray cluster, or a local Ray instance without --address; "
                   "needs `pip install -e .[ray]`). Either way rows are saved as each batch ends and the same "
                   "command run again resumes: see docs/big-studies.md")
    p.add_argument("--address", help="with --backend ray: the cluster to use, auto (one started on this machine "
                   "with `ray start --head`) or HOST:PORT; default: start a local Ray instance")
    p.add_argument("--retries", type=int_flag(0, 100), default=2, help="extra attempts for a batch that raises "
                   "before its runs are recorded in failures.csv (default 2)")
    p.add_argument("--gpus-per-batch", type=float, default=1.0, help="with --backend ray --device cuda: the "
                   "share of a GPU each batch asks for (0.25: four batches per GPU; default 1)")


def sweep_axes(a, base: dict, preset) -> tuple[dict, list[int]]:
    """The grid of a sweep: the preset's, with --archs / --weightings / --rhos replacing its axes."""
    axes = dict(preset.axes) if preset else {}
    if a.archs is not None:
        axes["model"] = id_list(a.archs, "--archs", ARCHITECTURES)
    if a.weightings is not None:
        axes["weighting"] = id_list(a.weightings, "--weightings", WEIGHTINGS)
    data_id = base.get("data", DEFAULT_IDS["data"])
    knob = DATASETS[data_id].relatedness_param
    if a.rhos is not None:
        if knob is None:
            raise ConfigError("--rhos", a.rhos, f"nothing: dataset '{data_id}' has no relatedness knob")
        spec = DATASETS[data_id].param(knob)
        axes.pop(f"data.{knob}", None)  # the flag's axis comes last, as if the preset had none
        axes[f"data.{knob}"] = [spec.parse(x, "--rhos") for x in a.rhos.split(",")]
    if a.seeds is not None or not preset:
        return axes, seeds_flag(a.seeds or "10", "--seeds", a.first_seed)
    if max(preset.seeds) + a.first_seed > 2**31 - 1:
        raise ConfigError("--first-seed", a.first_seed, "a shift that keeps every seed <= 2147483647")
    return axes, [s + a.first_seed for s in preset.seeds]


@dataclass
class SweepPlan:
    cfg: ExperimentConfig
    axes: dict
    seeds: list[int]
    parts: list  # the study's parts (balance.Part): the grid, static weights, single-task baselines
    max_batch: int
    workers: int
    record_conflict: bool


def plan_sweep(a) -> SweepPlan:
    """Everything a sweep will train, checked before anything is trained or written."""
    from .. import admission
    from ..experiments import balance
    from ..grid import balanced_max_batch

    preset = get_preset(a.preset, "--preset") if a.preset else None
    base = build_flat(a)
    axes, seeds = sweep_axes(a, base, preset)
    cfg = from_flat(base)
    workers = a.workers or default_workers()
    scenario = balance.SCENARIOS.get(preset.id) if preset else None
    record = a.conflict or bool(scenario and scenario.record_conflict)
    parts = balance.plan_study(cfg, axes, seeds, baselines=a.baselines)
    max_batch = balanced_max_batch(cfg, axes, seeds, workers, a.max_batch)  # no worker idle at the end
    over = admission.cli_check(cfg, runs=sum(p.n_runs for p in parts), batch=max_batch * workers)
    if over:  # before anything is allocated; the caps are generous and set by MTL_CLI_<FIELD> variables
        raise UsageError("; ".join(over) + " (raise a cap with its MTL_CLI_... environment variable)")
    return SweepPlan(cfg, axes, seeds, parts, max_batch, workers, record)


def set_threads(a, workers: int) -> None:
    threads = a.threads or (1 if workers > 1 else None)
    if threads is not None:
        import torch

        torch.set_num_threads(threads)


def report(df, plan: SweepPlan, baselines: bool, results: Path) -> None:
    """The means per grid point and task, the baselines, the verdicts, and the run counts."""
    from ..experiments import balance
    from ..records import run_counts

    keys = [k for k in plan.axes if k in df] + ["task"]
    ok = df[(df.status == "ok") & (df.role != balance.ROLE_SINGLE)]
    cols = ["val_loss", "test_loss"] + (["mtl_gain", "mtl_gain_pct"] if baselines else [])
    print(ok.groupby(keys)[cols].mean().round(4).to_string())
    if baselines:
        single = df[df.role == balance.ROLE_SINGLE].groupby("task")["test_loss"].mean()
        print("single-task baselines, test loss: " + ", ".join(f"{k} {v:.4g}" for k, v in single.items()))
    for v in balance.verdicts(df):
        print(balance.summary_line(v))
    counts = run_counts(df)
    print(f"{counts['runs']} runs: {counts['diverged']} diverged, {counts['collapsed']} with a collapsed task "
          f"(excluded from nothing: see the status and collapsed columns of {results})", file=sys.stderr)


def run(a) -> int:
    from ..study import SweepLock, prepare_out

    if not 0 < a.gpus_per_batch <= 1:
        raise ConfigError("--gpus-per-batch", a.gpus_per_batch, "a share of one GPU in (0, 1]")
    plan = plan_sweep(a)
    out = prepare_out(a.out)  # before anything trains: a file, or a folder that cannot be written, fails now
    if a.backend == "local":
        from ..train import resolve_device

        resolve_device(plan.cfg.train.device)  # an absent device fails now, not in every batch
        if plan.cfg.data.id == "census":
            from ..data import census

            census.load_cache()  # a missing cache fails now, saying how to fetch it
    set_threads(a, plan.workers)
    with SweepLock(out):  # before a Ray instance starts: a folder in use is refused at once
        return _sweep(a, plan, out)


def _sweep(a, plan: SweepPlan, out: Path) -> int:
    from ..experiments import balance
    from ..grid import plan_grid
    from ..study import make_backend, run_sweep

    backend = make_backend(a.backend, workers=plan.workers, address=a.address, cpus_per_batch=a.threads or 1,
                           gpus_per_batch=a.gpus_per_batch if plan.cfg.train.device == "cuda" else 0.0)
    # the plan depends on the command alone, never on the cluster: the same command gives the same batches,
    # hence the same numbers to the last bit, on every backend (a batch's size can move the last bits)
    batches = plan_grid(plan.cfg, plan.axes, plan.seeds, plan.max_batch)
    if a.backend == "ray" and len(batches) < backend.capacity:
        print(f"note: {len(batches)} batches for {backend.capacity} Ray slots; --workers {backend.capacity} cuts "
              "them so that every slot is busy", file=sys.stderr)
    n_runs = sum(len(b.runs) for b in batches)
    extra = "".join(f" + {p.n_runs} single-task baseline runs" for p in plan.parts if p.role == balance.ROLE_SINGLE)
    grid = " x ".join(f"{len(v)} {k}" for k, v in plan.axes.items()) or "one setting"
    where = f" on Ray ({backend.nodes} node(s), {backend.capacity} batches at once)" if a.backend == "ray" else ""
    print(f"sweep: {n_runs} runs ({grid} x {len(plan.seeds)} seeds) trained batched as {len(batches)} model(s) of "
          f"up to {plan.max_batch} runs{extra}"
          + (", recording the gradient conflict at every step" if plan.record_conflict else "") + where,
          file=sys.stderr)
    try:
        o = run_sweep(plan.parts, out, backend=backend, max_batch=plan.max_batch,
                      record_conflict=plan.record_conflict, retries=a.retries, locked=True)
    finally:
        backend.close(cancel=True)
    if o.runs_before:
        print(f"resumed: {o.runs_before} of {o.runs_total} runs were already in {out / 'results.csv'}",
              file=sys.stderr)
    if o.workers and (len(o.workers) > 1 or a.backend == "ray"):
        print("throughput per worker:\n" + "\n".join(o.workers), file=sys.stderr)
    if o.interrupted:
        print(f"interrupted: {o.runs_done} of {o.runs_total} runs are saved in {out / 'results.csv'}; run the same "
              f"command again to train the other {o.runs_total - o.runs_done}", file=sys.stderr)
        return 130
    if o.results.empty:
        print(f"error: no run finished ({len(o.failures)} failed: see {out / 'failures.csv'})", file=sys.stderr)
        return 1
    report(o.results, plan, a.baselines, out / "results.csv")
    if o.failures:
        print(f"error: {len(o.failures)} runs failed after {a.retries + 1} attempts (the reasons are in "
              f"{out / 'failures.csv'}); run the same command again to try them again", file=sys.stderr)
        return 1
    return 0
