"""`train`: one configuration; writes history.csv and summary.json and prints the final metrics."""
from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from ..config import from_flat
from ..data import DATASETS
from ..models import ARCHITECTURES, build_model, count_parameters
from ..weighting import WEIGHTINGS
from .flags import UsageError, add_set_flag, add_train_flags, build_flat, out_dir


def add_config_flags(p: argparse.ArgumentParser, sweep: bool) -> None:
    """The flags `train` and `sweep` share: where the configuration comes from and what overrides it."""
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
    add_train_flags(p, seed=not sweep)
    add_set_flag(p, "any hyper-parameter, e.g. n_experts=8, model.expert_units=32,16, weighting.alpha=1.5, "
                    "data.noise=0.5 (a bare name is looked up in model, weighting, data, train)")
    p.add_argument("--out", required=True, help="output folder")


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train one configuration; writes history.csv and summary.json")
    add_config_flags(p, sweep=False)


def run(a) -> int:
    from .. import admission, records
    from ..train import train

    cfg = from_flat(build_flat(a))
    over = admission.cli_check(cfg)
    if over:  # before anything is allocated; the caps are generous and set by MTL_CLI_<FIELD> variables
        raise UsageError("; ".join(over) + " (raise a cap with its MTL_CLI_... environment variable)")
    out = out_dir(a.out)
    snaps = []
    spec = DATASETS[cfg.data.id].spec(dict(cfg.data.params))
    n_params = count_parameters(build_model(cfg.model.id, spec, dict(cfg.model.params), checked=True))
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
