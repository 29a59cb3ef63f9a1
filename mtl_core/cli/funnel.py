"""`funnel`: CVR models (naive, ESMM, ESMM-NS, AITM, IPW, ESCM²) on the click -> conversion funnel against the
true probabilities; writes summary.json and results.csv (with --regime: the regime map instead)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from tqdm import tqdm

from ..data import DATASETS
from ..params import ConfigError
from ..presets import PRESETS, get_preset
from .flags import add_key_flag, add_set_flag, add_train_flags, build_flat, int_flag, out_dir, seeds_flag

DEFAULT_PRESET = "esmm_story"


def add_parser(sub) -> None:
    from ..experiments.funnel import DEFAULT_MODELS, MODELS

    p = sub.add_parser("funnel", help="compare CVR models (naive, ESMM, ESMM-NS, AITM, IPW, ESCM²) on the click → "
                       "conversion funnel against the true probabilities; writes summary.json and results.csv")
    p.add_argument("--preset", default=DEFAULT_PRESET,
                   help=f"a funnel preset (section funnel in `list --presets`); default {DEFAULT_PRESET}")
    p.add_argument("--seeds", help="a count (5 = seeds 0-4) or a range (100-104); default the preset's")
    p.add_argument("--models", help="comma-separated ids from: " + ", ".join(MODELS) + "; default "
                   + ",".join(DEFAULT_MODELS))
    for spec in DATASETS["funnel"].params:  # every knob of the funnel: --n-users, --base-cvr, ...
        add_key_flag(p, "--" + spec.name.replace("_", "-"), f"data.{spec.name}", f"{spec.help} ({spec.allowed()})")
    add_train_flags(p, seed=False)
    add_set_flag(p, "any data or train setting, e.g. data.latent_dim=4 or train.optimizer=adamw")
    p.add_argument("--threads", type=int_flag(1, 1024), default=1, help="torch CPU threads (default 1: fastest "
                   "for these small models on a shared CPU)")
    p.add_argument("--regime", action="store_true", help="instead: the regime map, ESMM vs naive (or --models) "
                   "over users = items in 250..4000 x selection strength 0, 1, 2; writes regime.csv, regime_gaps.csv")
    p.add_argument("--out", required=True, help="output folder")


def run(a) -> int:
    import torch

    from ..experiments.funnel import DEFAULT_MODELS, METRICS, check_models, comparisons, iter_funnel, model_config

    preset = get_preset(a.preset, "--preset")
    if preset.section != "funnel":
        raise ConfigError("--preset", a.preset, "a funnel preset: " + ", ".join(
            p.id for p in PRESETS.values() if p.section == "funnel"))
    flat = build_flat(a, sections=("data", "train"))
    a.flag_of["models"] = "--models"
    seeds = seeds_flag(a.seeds) if a.seeds is not None else list(preset.seeds)
    models = check_models([m.strip() for m in a.models.split(",")]) if a.models else list(DEFAULT_MODELS)
    cfg = model_config(flat, models[0])  # validates the shared settings
    torch.set_num_threads(a.threads)
    out = out_dir(a.out)
    if a.regime:
        return _regime(flat, models if a.models else ["naive", "esmm"], seeds, out)
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
    if "naive" in models:  # each model against the naive one, paired by seed (mtl_core.stats)
        for mid, p in comparisons(result.frame(), "naive", "cvr_auc_entire").items():
            print(f"{mid} against naive on cvr_auc_entire: {p.text(pct=False)}")
    print(f"{len(models) * len(seeds)} runs in {time.perf_counter() - t0:.1f} s; wrote {out / 'summary.json'} and "
          f"{out / 'results.csv'}", file=sys.stderr)
    return 0


def _regime(flat: dict, models: list[str], seeds: list[int], out: Path) -> int:
    import pandas as pd

    from ..experiments.funnel import REGIME_IDS, REGIME_STRENGTHS, iter_regime, regime_gaps

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
