"""Command line: `python -m mtl_core {list,train,sweep} --help`.

    python -m mtl_core list
    python -m mtl_core train --data synthetic --rho 0.5 --arch mmoe --weighting gradnorm --epochs 30 --out runs/a
    python -m mtl_core sweep --archs shared_bottom,omoe,mmoe --rhos 0.5,0.9,1.0 --seeds 20 --out runs/sweep
Bad flags or values print one line naming the flag and what is allowed, and exit with code 2.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .config import TRAIN_PARAMS, ExperimentConfig, from_flat, from_json
from .data import DATASETS
from .models import ARCHITECTURES, build_model, count_parameters
from .params import ConfigError
from .weighting import WEIGHTINGS


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse that reports errors in one line (exit 2) instead of usage + message."""

    def error(self, message):
        raise UsageError(message)


# flag -> flat config key (data size flag is dataset-dependent, handled below)
TRAIN_FLAGS = {"--epochs": "train.epochs", "--batch-size": "train.batch_size", "--lr": "train.lr",
               "--seed": "train.seed", "--device": "train.device", "--optimizer": "train.optimizer",
               "--weight-decay": "train.weight_decay"}


def size_param(data_id: str) -> str:
    """The dataset parameter that --n-samples sets (its first n_* parameter: n_train, n_impressions...)."""
    return next(p.name for p in DATASETS[data_id].params if p.name.startswith("n_"))


def add_common(p: argparse.ArgumentParser, sweep: bool) -> None:
    p.add_argument("--config", help="JSON config file (as written to summary.json / downloaded from the app); "
                   "flags override it")
    p.add_argument("--data", help="dataset id: " + ", ".join(DATASETS))
    p.add_argument("--n-samples", type=str, help="training-set size (n_train / n_impressions)")
    if not sweep:
        p.add_argument("--rho", type=str, help="task correlation in [-1, 1] (synthetic data)")
        p.add_argument("--arch", help="architecture id: " + ", ".join(ARCHITECTURES))
        p.add_argument("--weighting", help="weighting id: " + ", ".join(WEIGHTINGS))
        p.add_argument("--baseline", action="store_true", help="also train single-task baselines")
    for flag, key in TRAIN_FLAGS.items():
        if sweep and flag == "--seed":
            continue
        spec = next(s for s in TRAIN_PARAMS if s.name == key.split(".")[1])
        p.add_argument(flag, type=str, help=f"{spec.help} ({spec.allowed()})")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="any hyper-parameter, e.g. n_experts=8, model.expert_units=32,16, weighting.alpha=1.5, "
                        "data.noise=0.5 (a bare name is looked up in model, weighting, data, train)")
    p.add_argument("--out", required=True, help="output folder")


def build_flat(a: argparse.Namespace) -> dict:
    flat: dict = {}
    if a.config:
        try:
            flat.update(from_json(Path(a.config).read_text()).to_flat())
        except OSError as err:
            raise ConfigError("--config", a.config, f"a readable JSON file ({err.strerror})") from None
    if a.data:
        flat = {k: v for k, v in flat.items() if not k.startswith("data")}
        flat["data"] = a.data
    for attr, key in (("arch", "model"), ("weighting", "weighting")):
        if getattr(a, attr, None):
            flat = {k: v for k, v in flat.items() if not (k == key or k.startswith(key + "."))}
            flat[key] = getattr(a, attr)
    data_id = flat.get("data", "synthetic")
    if data_id not in DATASETS:
        raise ConfigError("--data", data_id, "one of " + ", ".join(DATASETS))
    if getattr(a, "rho", None) is not None:
        if "rho" not in {p.name for p in DATASETS[data_id].params}:
            raise ConfigError("--rho", a.rho, f"no --rho: dataset '{data_id}' has no task-correlation knob")
        flat["data.rho"] = a.rho
    if a.n_samples is not None:
        flat[f"data.{size_param(data_id)}"] = a.n_samples
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
    sections = (("model", ARCHITECTURES, flat.get("model", "mmoe")), ("weighting", WEIGHTINGS, flat.get("weighting", "ew")),
                ("data", DATASETS, flat.get("data", "synthetic")))
    for section, registry, cid in sections:
        if cid in registry and key in {p.name for p in registry[cid].params}:
            return f"{section}.{key}"
    if key in {p.name for p in TRAIN_PARAMS}:
        return f"train.{key}"
    raise ConfigError("--set", key, "a hyper-parameter of the chosen model, weighting, dataset or training "
                      "(see `python -m mtl_core list --params`)")


# ---------------------------------------------------------------------------------------------------
def cmd_list(a) -> int:
    def block(title, registry, extra=lambda i: ""):
        print(f"{title}:")
        for i in registry.values():
            print(f"  {i.id:<14} {i.name}{extra(i)}")
            if a.params:
                for p in i.params:
                    print(f"      {p.name:<20} default {p.format(p.default):<10} {p.allowed()}  — {p.help}")
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
    from .train import train  # torch-heavy imports only when needed

    cfg = from_flat(build_flat(a))
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rows, final = [], None
    spec = DATASETS[cfg.data.id].spec(dict(cfg.data.params))
    n_params = count_parameters(build_model(cfg.model.id, spec, dict(cfg.model.params)))
    with tqdm(total=None, desc=f"{cfg.model.id}+{cfg.weighting.id}", unit="step", file=sys.stderr) as bar:
        for snap in train(cfg):
            bar.total = snap.total_steps
            bar.update(snap.step - bar.n)
            bar.set_postfix(epoch=f"{snap.epoch:.1f}", val_loss=" ".join(f"{v:.3f}" for v in snap.val_loss[0]))
            rows += snap.history_rows()
            final = snap
    pd.DataFrame(rows).to_csv(out / "history.csv", index=False)
    summary = {
        "config": cfg.to_dict(),
        "parameters": n_params,
        "final": {task: ({"val_loss": float(final.val_loss[0, t])}
                         | ({"val_auc": float(final.val_auc[0, t])} if kind == "binary" else {}))
                  for t, (task, kind) in enumerate(zip(final.tasks, final.task_kinds))},
        "samples_per_s": final.samples_per_s,
        "device": final.device,
        "elapsed_s": final.elapsed_s,
        "extra_metrics": {k: float(v[0]) for k, v in final.extra_metrics.items()},
    }
    if final.baseline_val_loss is not None:
        summary["single_task_baseline"] = {task: float(final.baseline_val_loss[0, t]) for t, task in enumerate(final.tasks)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=list))
    print(json.dumps(summary["final"]), file=sys.stdout)
    return 0


def cmd_sweep(a) -> int:
    from .experiments.sweep import run_grid, total_steps

    base = build_flat(a)
    archs = [s.strip() for s in a.archs.split(",") if s.strip()]
    weightings = [s.strip() for s in (a.weightings or base.get("weighting", "ew")).split(",") if s.strip()]
    for arch in archs:
        if arch not in ARCHITECTURES:
            raise ConfigError("--archs", arch, "comma-separated ids from: " + ", ".join(ARCHITECTURES))
    for w in weightings:
        if w not in WEIGHTINGS:
            raise ConfigError("--weightings", w, "comma-separated ids from: " + ", ".join(WEIGHTINGS))
    data_id = base.get("data", "synthetic")
    rho_spec = next((p for p in DATASETS[data_id].params if p.name == "rho"), None)
    if a.rhos and rho_spec is None:
        raise ConfigError("--rhos", a.rhos, f"nothing: dataset '{data_id}' has no task-correlation knob")
    rhos = [rho_spec.parse(x, "--rhos") for x in a.rhos.split(",")] if a.rhos else [None]
    try:
        n_seeds = int(a.seeds)
        assert 1 <= n_seeds <= 10000
    except (ValueError, AssertionError):
        raise ConfigError("--seeds", a.seeds, "a number of seeds in [1, 10000]") from None
    seeds = list(range(a.first_seed, a.first_seed + n_seeds))
    cfgs = []
    for arch in archs:
        for w in weightings:
            flat = {k: v for k, v in base.items() if not k.startswith(("model", "weighting"))}
            flat.update({"model": arch, "weighting": w})
            flat.update({k: v for k, v in base.items() if k.startswith("model.") and base.get("model") in (None, arch)})
            flat.update({k: v for k, v in base.items() if k.startswith("weighting.") and base.get("weighting") in (None, w)})
            cfgs.append(from_flat(flat))  # each run's rho is set by the sweep itself
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    size = cfgs[0].data.params[size_param(data_id)]
    frames = []
    print(f"sweep: {len(cfgs)} configurations x {len(rhos)} rho x {n_seeds} seeds; each configuration's "
          f"{len(rhos) * n_seeds} runs train batched as one model (up to {a.max_batch} at once)", file=sys.stderr)
    with tqdm(total=sum(total_steps(c, size) for c in cfgs) * -(-len(rhos) * n_seeds // a.max_batch),
              unit="step", file=sys.stderr) as bar:
        for cfg in cfgs:
            bar.set_description(f"{cfg.model.id}+{cfg.weighting.id}")
            frames.append(run_grid(cfg, rhos, seeds, a.max_batch, on_progress=bar.update))
    df = pd.concat(frames, ignore_index=True)
    df.to_csv(out / "results.csv", index=False)
    summary = df.groupby(["arch", "weighting", "rho", "task"])["val_loss"].agg(["mean", "std", "min", "max"])
    print(summary.round(4).to_string())
    return 0


def flag_for(field: str) -> str:
    """The command-line flag that sets a config field, for error messages."""
    if field.startswith("--"):
        return field
    named = {"data": "--data", "model": "--arch", "weighting": "--weighting", "data.rho": "--rho",
             **{key: flag for flag, key in TRAIN_FLAGS.items()}}
    if field in named:
        return named[field]
    if field.startswith("data.") and field[5:].startswith("n_"):
        return f"--n-samples/--set {field}"
    return f"--set {field}"


def main(argv=None) -> int:
    parser = Parser(prog="python -m mtl_core", description="MTL Explorer command line.")
    sub = parser.add_subparsers(dest="cmd", required=True, parser_class=Parser)
    p = sub.add_parser("list", help="list datasets, architectures and weightings")
    p.add_argument("--params", action="store_true", help="also list every hyper-parameter with default and range")
    p = sub.add_parser("train", help="train one configuration; writes history.csv and summary.json")
    add_common(p, sweep=False)
    p = sub.add_parser("sweep", help="many seeds x rhos x architectures; writes results.csv")
    add_common(p, sweep=True)
    p.add_argument("--archs", required=True, help="comma-separated architecture ids")
    p.add_argument("--weightings", help="comma-separated weighting ids (default: ew)")
    p.add_argument("--rhos", help="comma-separated task correlations (synthetic data)")
    p.add_argument("--seeds", default="10", help="number of seeds per (arch, weighting, rho)")
    p.add_argument("--first-seed", type=int, default=0, help="seeds are first-seed, first-seed+1, ...")
    p.add_argument("--max-batch", type=int, default=256, help="most runs trained at once in one batched model")
    try:
        a = parser.parse_args(argv)
        return {"list": cmd_list, "train": cmd_train, "sweep": cmd_sweep}[a.cmd](a)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ConfigError as err:
        print(f"error: {flag_for(err.field)}: {err.value!r} is not allowed; expected {err.allowed}", file=sys.stderr)
        return 2
    except ValueError as err:  # e.g. a device that is not available
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
