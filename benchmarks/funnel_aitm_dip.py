"""Why do AITM's entire-space CVR AUC curves dip below chance early in training? The numbers behind the
Funnel explorer's caption.

AITM predicts end-to-end probabilities, ŷ_1 = pCTR and ŷ_2 = pCTCVR, and its pCVR is their ratio
ŷ_2 / ŷ_1. Both heads rank the impressions by nearly the same score
(on this funnel, clicks are selective: impressions likelier to convert are likelier to be clicked), so the
ratio's ranking has the sign of (how steeply log ŷ_2 rises) − (how steeply log ŷ_1 rises). Hypothesis: at
some point early in training the CTR head is steeper than the CTCVR head (trained on 0.8 % positives), the
ratio then ranks impressions by 1 / pCTR, backwards, and the AUC falls below 0.5 until the CTCVR head
catches up. ESMM's pCVR is a head of its own (pCTCVR = pCTR × pCVR is the product), so it has no such phase.

At every snapshot (the page's two per epoch) of the `esmm_story` preset, on the validation split, per seed:
  auc_pcvr          the page's curve: pCVR against the counterfactual conversion labels, all impressions
  auc_inv_pctr      the same AUC for 1 / pCTR alone (what a flat ŷ_2 makes the ratio)
  auc_ctcvr         ŷ_2 (pCTCVR) against the same labels: does the numerator rank yet?
  spearman_pctr     Spearman correlation of pCVR with pCTR (negative: the ratio follows 1 / pCTR)
  spread_ratio      sd(log ŷ_2) / sd(log ŷ_1): below 1, the denominator varies more than the numerator and
                    log pCVR = log ŷ_2 − log ŷ_1 falls where both rise
  share_ctcvr_above_ctr  impressions with ŷ_2 > ŷ_1, the only ones the calibrator's penalty acts on

    python benchmarks/funnel_aitm_dip.py                          # seeds 0-4, AITM, AITM without calibrator, ESMM
    python benchmarks/funnel_aitm_dip.py --seeds 10-14 --out assets/experiments/funnel_aitm_dip.csv
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

from mtl_core.experiments.funnel import model_config
from mtl_core.metrics import auc
from mtl_core.presets import get_preset
from mtl_core.seeds import parse_seeds
from mtl_core.train import RunSpec, Trainer

SNAPSHOTS_PER_EPOCH = 2  # as the Funnel explorer (app/sections/funnel/views.py)


def _row(model: str, seed: int, epoch: float, pctr, pcvr, ctcvr, counterfactual) -> dict:
    log1, log2 = np.log(np.clip(pctr, 1e-12, 1)), np.log(np.clip(ctcvr, 1e-12, 1))
    return {"model": model, "seed": seed, "epoch": epoch,
            "auc_pcvr": auc(pcvr, counterfactual), "auc_inv_pctr": auc(-pctr, counterfactual),
            "auc_ctcvr": auc(ctcvr, counterfactual),
            "spearman_pctr": float(spearmanr(pcvr, pctr).statistic),
            "spread_ratio": float(np.std(log2) / max(np.std(log1), 1e-12)),
            "share_ctcvr_above_ctr": float(np.mean(ctcvr > pctr))}


def measure(model: str, seeds: list[int]) -> list[dict]:
    flat = {**get_preset("esmm_story").config, "train.snapshots_per_epoch": SNAPSHOTS_PER_EPOCH}
    trainer = Trainer(model_config(flat, model), [RunSpec(s) for s in seeds], None, probe_cosine=False)
    ctr, cvr = trainer.spec.task_names
    rows = []
    for snap in trainer:
        if snap.epoch <= 0:
            continue
        pred = trainer.predict("val")
        for r, seed in enumerate(seeds):
            pctr, pcvr = pred["preds"][ctr][r], pred["preds"][cvr][r]
            ctcvr = pred["extras"]["ctcvr"][r] if "ctcvr" in pred["extras"] else pctr * pcvr
            rows.append(_row(model, seed, float(snap.epoch), pctr, pcvr, ctcvr, pred["truth"]["conv_if_clicked"][r]))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="0-4")
    ap.add_argument("--models", default="aitm,aitm_nocal,esmm")
    ap.add_argument("--out", default=None, help="write the per-seed rows to this CSV")
    args = ap.parse_args()
    torch.set_num_threads(1)
    seeds = list(parse_seeds(args.seeds))
    rows = []
    for model in args.models.split(","):
        t0 = time.perf_counter()
        rows += measure(model, seeds)
        print(f"{model}: {time.perf_counter() - t0:.0f} s", flush=True)
    df = pd.DataFrame(rows)
    cols = ["auc_pcvr", "auc_inv_pctr", "auc_ctcvr", "spearman_pctr", "spread_ratio", "share_ctcvr_above_ctr"]
    table = df.groupby(["model", "epoch"])[cols].agg(["mean", "min", "max"]).round(3)
    with pd.option_context("display.width", 200, "display.max_columns", 40):
        print(table)
    for model, g in df.groupby("model"):
        below = g[g.auc_pcvr < 0.5]
        agree = int(((g.auc_pcvr < 0.5) == (g.spread_ratio < 1)).sum())
        print(f"{model}: pCVR AUC below 0.5 at {len(below)} of {len(g)} (seed, snapshot) pairs"
              + (f", at epochs {sorted(set(below.epoch))} (AUC {below.auc_pcvr.min():.3f}-{below.auc_pcvr.max():.3f}; "
                 f"1/pCTR alone {below.auc_inv_pctr.min():.3f}-{below.auc_inv_pctr.max():.3f}; pCTCVR "
                 f"{below.auc_ctcvr.min():.3f}-{below.auc_ctcvr.max():.3f})" if len(below) else "")
              + f"; below 0.5 exactly where spread_ratio < 1: {agree}/{len(g)}; calibrator active on "
                f"{g.share_ctcvr_above_ctr.max():.1%} of impressions at most")
    if args.out:
        df.to_csv(args.out, index=False)
        print("wrote", args.out)


if __name__ == "__main__":
    main()
