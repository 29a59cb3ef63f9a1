"""The funnel comparison: CVR models on impression → click → conversion, scored against the truth.

The synthetic funnel (`mtl_core.data.funnel`) knows every impression's true pCTR and pCVR and its
counterfactual conversion label (would it have converted, had it been clicked). So, unlike on real
data, a CVR model can be scored where it is used, on the ENTIRE impression space, not only on the
clicked impressions it could be trained on, and its bias on unclicked impressions can be measured.

Models (`MODELS`; every one on the same data draws, seeds and training settings):
    naive       CTR on all impressions + CVR on clicked impressions only, two separate networks
                (`single_task` on the funnel: each task's loss over its own sample space; the ESMM
                paper's BASE)
    esmm        ESMM, towers on a shared bottom (shared embeddings); esmm_mmoe / esmm_ple: other backbones
    esmm_ns     ESMM's losses on two separate networks (the paper's ESMM-NS): the loss without sharing
    aitm        AITM with its behavioural calibrator; aitm_nocal: calibrator_alpha = 0
    ipw         CVR on clicked impressions weighted by 1/pCTR (detached, floored)
    escm2_ipw   ESCM²-IPS: ESMM + λ · the IPS-weighted CVR risk
    naive_shared  Shared-Bottom trained like naive (CVR on clicks only) but sharing embeddings: sharing
                without the entire-space loss
Metrics on the test split (`funnel_metrics`): cvr_auc_clicked (pCVR vs conversion on clicked
impressions: what real data can measure), cvr_auc_entire (pCVR vs the counterfactual labels on all
impressions), ctcvr_auc (pCTCVR vs conversion on all), ctr_auc, pcvr_bias_unclicked / pcvr_bias_clicked
(mean predicted − mean true pCVR on unclicked / clicked impressions), pcvr_ece_entire (expected
calibration error of pCVR against the counterfactual labels, 10 equal-count bins).

Each model trains its seeds as one batched model (`Trainer`). `iter_funnel` yields progress (pages
show live curves, stopping = stopping iteration); `run_funnel` returns the `FunnelResult`, which writes
`summary.json` (means and sds over seeds per model) and `results.csv` (one row per model and seed).

The models, metrics and configuration are defined in `mtl_core.experiments.funnel_models` (all importable
from here); this module runs the comparison and the regime map.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import ExperimentConfig, from_flat
from ..data import DATASETS
from ..engine.snapshot import OK, Snapshot
from ..models import build_model, count_parameters
from ..stats import Paired, paired
from ..train import DivergenceError, RunSpec, Trainer
from .funnel_models import (  # noqa: F401 - the comparison's definitions, importable from here
    BOTTOM, DATA_ID, DEFAULT_MODELS, HIGHER_IS_BETTER, METRICS, MODELS, PAPER_ALI_CCP, SCHEMA_VERSION,
    TRAIN_DEFAULTS, FunnelModel, _mean, base_flat, calibration, check_models, ece, funnel_metrics, model_config,
    oracle_metrics)


# ---- results ----------------------------------------------------------------------------------------------
@dataclass
class FunnelProgress:
    model: str  # the model in progress (or just finished)
    model_index: int
    n_models: int
    steps_done: int  # over the whole comparison
    steps_total: int
    snapshot: Snapshot | None  # the latest snapshot of the model in progress
    new_rows: list[dict] = field(default_factory=list)  # per-seed rows of a model that finished now
    result: "FunnelResult | None" = None  # set on the last progress


@dataclass
class FunnelResult:
    flat: dict[str, Any]  # base configuration (data and train keys)
    models: list[str]
    seeds: list[int]
    rows: list[dict]  # one per (model, seed): metrics, status, timing
    data_meta: list[dict]  # per seed: counts and rates of the draw
    oracle: list[dict]  # per seed: the truth's own metrics
    samples: dict[str, Any]  # first seed's test split: truth, labels and each model's pctr/pcvr/pctcvr
    n_parameters: dict[str, int]
    elapsed_s: float
    histories: dict[str, list[dict]] = field(default_factory=dict)  # model -> per-snapshot val curves

    def frame(self) -> pd.DataFrame:
        cols = ["schema_version", "model", "arch", "seed", *METRICS, "status", "elapsed_s"]
        return pd.DataFrame(self.rows, columns=cols)

    def table(self) -> pd.DataFrame:
        """Mean and sd over seeds per model (runs that diverged are left out and counted)."""
        return summary_table(self.frame())

    def summary(self) -> dict[str, Any]:
        table = self.table()
        models = {}
        for mid in self.models:
            row = table.loc[mid] if mid in table.index else None
            m = MODELS[mid]
            entry: dict[str, Any] = {"name": m.name, "arch": m.arch, "params": dict(m.params),
                                     "n_parameters": self.n_parameters.get(mid)}
            for metric in METRICS:
                entry[metric] = _clean(row[metric] if row is not None else float("nan"))
                entry[metric + "_sd"] = _clean(row[metric + "_sd"] if row is not None else float("nan"))
            entry["n_seeds"] = int(row["n_seeds"]) if row is not None else 0
            entry["n_diverged"] = int(row["n_diverged"]) if row is not None else 0
            models[mid] = entry
        meta_keys = ("n_impressions", "n_clicks", "n_conversions", "ctr", "cvr_given_click", "ctcvr",
                     "mean_true_pcvr_all", "mean_true_pcvr_clicked", "logit_corr", "impressions_per_user")
        return {
            "schema_version": SCHEMA_VERSION, "kind": "funnel_comparison",
            "config": {k: _jsonable(v) for k, v in self.flat.items()},
            "seeds": self.seeds, "models": models,
            "oracle": {k: _clean(np.nanmean([o[k] for o in self.oracle])) for k in METRICS},
            "data": {k: _clean(np.mean([d[k] for d in self.data_meta])) for k in meta_keys
                     if all(k in d for d in self.data_meta)},
            "reference_ali_ccp": PAPER_ALI_CCP,
            "elapsed_s": self.elapsed_s,
        }

    def write(self, out_dir) -> None:
        from pathlib import Path
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        self.frame().to_csv(out / "results.csv", index=False)
        with open(out / "summary.json", "w") as f:
            json.dump(self.summary(), f, indent=2)


def _clean(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _jsonable(v):
    return list(v) if isinstance(v, tuple) else v


def summary_table(df: pd.DataFrame) -> pd.DataFrame:
    """results rows -> one row per model: each metric's mean and `<metric>_sd`, n_seeds, n_diverged."""
    ok = df[df["status"] == OK]
    g = ok.groupby("model", sort=False)
    table = g[list(METRICS)].mean()
    sd = g[list(METRICS)].std(ddof=1).add_suffix("_sd")
    table = table.join(sd)
    table["n_seeds"] = g.size()
    table["n_diverged"] = df[df["status"] != OK].groupby("model").size().reindex(table.index).fillna(0).astype(int)
    order = list(dict.fromkeys(df["model"]))
    return table.reindex([m for m in order if m in table.index])


def data_stats(flat: Mapping[str, Any] | None = None, seed: int = 0) -> dict:
    """Counts and rates of one draw of the funnel with these data settings (no training): the sketch."""
    cfg = from_flat(base_flat(flat))
    return DATASETS[DATA_ID].build(dict(cfg.data.params), seed).meta


# ---- the comparison -----------------------------------------------------------------------------------------
def _steps(cfg: ExperimentConfig) -> int:
    n = DATASETS[DATA_ID].train_size(dict(cfg.data.params))
    return math.ceil(n / cfg.train.batch_size) * cfg.train.epochs


def _history_row(snap: Snapshot) -> dict:
    return {"step": snap.step, "epoch": snap.epoch,
            "val_loss_ctr": np.nanmean(snap.val_loss[:, 0]), "val_loss_cvr": np.nanmean(snap.val_loss[:, 1]),
            "val_cvr_auc_entire": float(np.nanmean(snap.extra_metrics.get("cvr_auc_all", np.array([np.nan]))))}


def iter_funnel(flat: Mapping[str, Any] | None = None, models: Sequence[str] = DEFAULT_MODELS,
                seeds: Sequence[int] = (0, 1, 2), *, snapshots_per_epoch: int = 1,
                snapshot_interval_s: float | None = None) -> Iterator[FunnelProgress]:
    """Train every model over the seeds (each model's seeds as one batched model), yielding progress after
    every snapshot and when a model finishes; the last progress carries the FunnelResult."""
    models, seeds = check_models(models), [int(s) for s in seeds]
    flat = base_flat(flat)
    flat["train.snapshots_per_epoch"] = snapshots_per_epoch
    configs = {m: model_config(flat, m) for m in models}  # validates everything before training
    steps_total = sum(_steps(c) for c in configs.values())
    t0 = time.perf_counter()
    rows, data_meta, oracle, samples, n_params, histories = [], [], [], {}, {}, {}
    steps_before = 0
    for i, mid in enumerate(models):
        cfg, m = configs[mid], MODELS[mid]
        t_model = time.perf_counter()
        trainer = Trainer(cfg, [RunSpec(s) for s in seeds], snapshot_interval_s, probe_cosine=False)
        n_params[mid] = count_parameters(build_model(m.arch, trainer.spec, dict(cfg.model.params)))
        histories[mid] = []
        last, status = None, None
        try:
            for snap in trainer:
                last = snap
                histories[mid].append(_history_row(snap))
                if not snap.done:
                    yield FunnelProgress(mid, i, len(models), steps_before + snap.step, steps_total, snap)
            status = list(last.status)
        except DivergenceError:
            status = ["diverged"] * len(seeds)
        pred = trainer.predict("test")
        if not data_meta:  # the draws are the same for every model: take them from the first
            data_meta = [d.meta for d in trainer.datasets]
            for r in range(len(seeds)):
                oracle.append(oracle_metrics({k: v[r] for k, v in pred["truth"].items()},
                                             pred["labels"][r, :, 0], pred["labels"][r, :, 1]))
            samples.update(truth={k: v[0] for k, v in pred["truth"].items()},
                           click=pred["labels"][0, :, 0], conversion=pred["labels"][0, :, 1], models={})
        ctr, cvr = trainer.spec.task_names
        elapsed = time.perf_counter() - t_model
        new_rows = []
        for r, seed in enumerate(seeds):
            pctr, pcvr = pred["preds"][ctr][r], pred["preds"][cvr][r]
            pctcvr = pred["extras"]["ctcvr"][r] if "ctcvr" in pred["extras"] else pctr * pcvr
            metrics = (funnel_metrics(pctr, pcvr, pctcvr, pred["labels"][r, :, 0], pred["labels"][r, :, 1],
                                      pred["truth"]["true_pcvr"][r], pred["truth"]["conv_if_clicked"][r])
                       if status[r] == OK else {k: float("nan") for k in METRICS})
            new_rows.append({"schema_version": SCHEMA_VERSION, "model": mid, "arch": m.arch, "seed": seed,
                             **metrics, "status": status[r], "elapsed_s": elapsed})
            if r == 0:
                samples["models"][mid] = {"pctr": pctr, "pcvr": pcvr, "pctcvr": pctcvr}
        rows += new_rows
        steps_before += _steps(cfg)
        result = None
        if i == len(models) - 1:
            result = FunnelResult(flat, list(models), seeds, rows, data_meta, oracle, samples, n_params,
                                  time.perf_counter() - t0, histories)
        yield FunnelProgress(mid, i, len(models), steps_before, steps_total, last, new_rows, result)


def run_funnel(flat: Mapping[str, Any] | None = None, models: Sequence[str] = DEFAULT_MODELS,
               seeds: Sequence[int] = (0, 1, 2), *,
               on_progress: Callable[[FunnelProgress], None] | None = None) -> FunnelResult:
    """The whole comparison; see the module docstring."""
    result = None
    for progress in iter_funnel(flat, models, seeds):
        if on_progress:
            on_progress(progress)
        result = progress.result or result
    return result


# ---- regime map: where does ESMM's edge come from? --------------------------------------------------------------
REGIME_IDS = (250, 500, 1000, 2000, 4000)  # users = items, at a fixed number of impressions: sparser to the right
REGIME_STRENGTHS = (0.0, 1.0, 2.0)


def iter_regime(flat: Mapping[str, Any] | None = None, n_ids: Sequence[int] = REGIME_IDS,
                strengths: Sequence[float] = REGIME_STRENGTHS, seeds: Sequence[int] = (0, 1),
                models: Sequence[str] = ("naive", "esmm")) -> Iterator[list[dict]]:
    """Sparsity (users = items) × selection strength × seeds for each model; the strengths and seeds of one
    model and one sparsity train as one batched model (selection strength is a per-run knob). Yields the
    rows of each finished batch: n_ids, selection_strength, seed, model and every METRICS entry."""
    models, flat = check_models(models), base_flat(flat)
    flat["train.snapshots_per_epoch"] = 1
    for n in n_ids:
        for mid in models:
            cfg = model_config({**flat, "data.n_users": n, "data.n_items": n}, mid)
            runs = [RunSpec(int(s), {"data.selection_strength": float(st)}) for st in strengths for s in seeds]
            trainer = Trainer(cfg, runs, probe_cosine=False)
            try:
                for _ in trainer:
                    pass
                ok = True
            except DivergenceError:
                ok = False
            pred = trainer.predict("test")
            ctr, cvr = trainer.spec.task_names
            rows = []
            for r, run in enumerate(runs):
                pctr, pcvr = pred["preds"][ctr][r], pred["preds"][cvr][r]
                pctcvr = pred["extras"]["ctcvr"][r] if "ctcvr" in pred["extras"] else pctr * pcvr
                metrics = (funnel_metrics(pctr, pcvr, pctcvr, pred["labels"][r, :, 0], pred["labels"][r, :, 1],
                                          pred["truth"]["true_pcvr"][r], pred["truth"]["conv_if_clicked"][r])
                           if ok else {k: float("nan") for k in METRICS})
                rows.append({"n_ids": n, "selection_strength": run.overrides["data.selection_strength"],
                             "seed": run.seed, "model": mid, **metrics})
            yield rows


def regime_gaps(df: pd.DataFrame, better: str = "esmm", than: str = "naive",
                metric: str = "cvr_auc_entire") -> pd.DataFrame:
    """Per (n_ids, selection_strength): mean and sd over seeds of `better`'s metric minus `than`'s (paired by
    seed), each model's mean, and the one rule's verdict on the gap (`mtl_core.stats.paired`: its 95 %
    interval `low`..`high`, the seeds on which `better` won, `word` = better | worse | unclear; below 3
    seeds there is no interval)."""
    key = ["n_ids", "selection_strength", "seed"]
    a = df[df.model == better].set_index(key)[metric]
    b = df[df.model == than].set_index(key)[metric]
    gap = (a - b).dropna().rename("gap").reset_index()
    g = gap.groupby(["n_ids", "selection_strength"])["gap"]
    out = pd.DataFrame({"gap": g.mean(), "gap_sd": g.std(ddof=1), "n_seeds": g.size()})
    out[better] = a.groupby(level=[0, 1]).mean()
    out[than] = b.groupby(level=[0, 1]).mean()
    tests = {k: paired(v.to_numpy(float), np.zeros(len(v)), higher_is_better=True) for k, v in g}
    out["low"] = [tests[k].low for k in out.index]
    out["high"] = [tests[k].high for k in out.index]
    out["agree"] = [tests[k].agree for k in out.index]
    out["word"] = [tests[k].word for k in out.index]
    return out.reset_index()


def comparisons(df: pd.DataFrame, against: str = "naive", metric: str = "cvr_auc_entire") -> dict[str, Paired]:
    """Each model against `against` on `metric` (higher is better for an AUC), paired by seed, by the one rule
    of `mtl_core.stats`; finished runs only."""
    ok = df[df["status"] == OK]
    ref = ok[ok.model == against].groupby("seed")[metric].first()
    higher = HIGHER_IS_BETTER.get(metric) is not False
    out = {}
    for mid, g in ok[ok.model != against].groupby("model", sort=False):
        val = g.groupby("seed")[metric].first()
        seeds = sorted(set(ref.index) & set(val.index))
        out[mid] = paired(val.loc[seeds].to_numpy(float), ref.loc[seeds].to_numpy(float), higher_is_better=higher)
    return out
