"""What the funnel comparison compares and how it scores them (`mtl_core.experiments.funnel` tells the whole
story and runs it): the compared CVR models (`MODELS`), the metrics against the synthetic funnel's truth
(`funnel_metrics`, `oracle_metrics`, `calibration`), and each model's configuration (`base_flat`,
`model_config`, `check_models`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import ExperimentConfig, from_flat
from ..metrics import auc

SCHEMA_VERSION = 1
DATA_ID = "funnel"

# Training settings of the comparison unless the configuration says otherwise (those of the `esmm_story`
# preset). The ID embeddings overfit within a few epochs (ESMM-NS and a Shared-Bottom peak after two, then
# decline; ESMM and ESCM² plateau from three); four epochs at batch 4096 keep every model near its best and
# the comparison fast. No weight decay: Adam's L2 term swamps the tiny gradients that reach ESMM-NS's CVR
# network through pCTR·pCVR and collapses it to a constant on some seeds.
TRAIN_DEFAULTS = {"train.epochs": 4, "train.batch_size": 4096, "train.lr": 0.006, "train.weight_decay": 0.0}

# Common sizes: 8-dim embeddings per ID field, a 32-unit bottom, 8-unit towers (AITM keeps its own towers).
BOTTOM = (32,)


@dataclass(frozen=True)
class FunnelModel:
    id: str
    arch: str  # an ARCHITECTURES id
    params: Mapping[str, Any]
    name: str
    isolates: str  # what comparing it with its neighbour shows


MODELS: dict[str, FunnelModel] = {m.id: m for m in (
    FunnelModel("naive", "single_task", {"bottom_units": BOTTOM}, "Naive (CVR on clicks only)",
                "the sample selection bias: CVR learned on clicked impressions, used on all"),
    FunnelModel("naive_shared", "shared_bottom", {"bottom_units": BOTTOM}, "Naive, shared embeddings",
                "sharing without the entire-space loss"),
    FunnelModel("esmm", "esmm", {"backbone": "shared_bottom", "bottom_units": BOTTOM}, "ESMM",
                "pCTCVR = pCTR × pCVR over all impressions + shared embeddings"),
    FunnelModel("esmm_ns", "esmm_ns", {"bottom_units": BOTTOM}, "ESMM-NS (no sharing)",
                "the entire-space loss without sharing"),
    FunnelModel("esmm_mmoe", "esmm", {"backbone": "mmoe", "n_experts": 4, "expert_units": BOTTOM}, "ESMM on MMoE",
                "the backbone under ESMM's towers"),
    FunnelModel("esmm_ple", "esmm", {"backbone": "ple", "expert_units": BOTTOM}, "ESMM on PLE",
                "the backbone under ESMM's towers"),
    FunnelModel("aitm", "aitm", {}, "AITM", "information transfer click → conversion + calibrator"),
    FunnelModel("aitm_nocal", "aitm", {"calibrator_alpha": 0.0}, "AITM, no calibrator", "the calibrator"),
    FunnelModel("ipw", "ipw", {"backbone": "shared_bottom", "bottom_units": BOTTOM}, "IPW",
                "reweighting clicked impressions by 1/pCTR instead of the entire-space product"),
    FunnelModel("escm2_ipw", "escm2_ipw", {"backbone": "shared_bottom", "bottom_units": BOTTOM}, "ESCM²-IPS",
                "ESMM + a counterfactual IPS regulariser"),
)}
DEFAULT_MODELS = ("naive", "esmm", "esmm_ns", "aitm", "aitm_nocal", "ipw", "escm2_ipw")

METRICS = ("cvr_auc_clicked", "cvr_auc_entire", "ctcvr_auc", "ctr_auc", "pcvr_bias_unclicked", "pcvr_bias_clicked",
           "pcvr_ece_entire")
HIGHER_IS_BETTER = {"cvr_auc_clicked": True, "cvr_auc_entire": True, "ctcvr_auc": True, "ctr_auc": True,
                    "pcvr_bias_unclicked": None, "pcvr_bias_clicked": None, "pcvr_ece_entire": False}

# The ESMM paper, Table 2, Ali-CCP public set (real data; mean over 10 runs, AUC in %).
PAPER_ALI_CCP = {
    "source": "Ma et al., SIGIR 2018, Table 2: Ali-CCP public set (real data, 84M impressions), AUC %",
    "models": {"naive": {"cvr_auc": 66.00, "ctcvr_auc": 62.07},
               "esmm_ns": {"cvr_auc": 68.25, "ctcvr_auc": 64.44},
               "esmm": {"cvr_auc": 68.56, "ctcvr_auc": 65.32}},
}


# ---- metrics ------------------------------------------------------------------------------------------
def ece(pred: np.ndarray, label: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: Σ_b (n_b/n)·|mean pred_b − mean label_b| over equal-count bins of pred."""
    if len(pred) == 0 or not np.isfinite(pred).all():
        return float("nan")
    order = np.argsort(pred, kind="stable")
    return float(sum(len(c) / len(pred) * abs(pred[c].mean() - label[c].mean())
                     for c in np.array_split(order, bins) if len(c)))


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else float("nan")


def funnel_metrics(pctr: np.ndarray, pcvr: np.ndarray, pctcvr: np.ndarray, click: np.ndarray,
                   conversion: np.ndarray, true_pcvr: np.ndarray, conv_if_clicked: np.ndarray) -> dict[str, float]:
    """Every METRICS entry for one run's predictions over one split (1-D arrays of equal length)."""
    clicked = click > 0.5
    return {
        "cvr_auc_clicked": auc(pcvr[clicked], conversion[clicked]),
        "cvr_auc_entire": auc(pcvr, conv_if_clicked),
        "ctcvr_auc": auc(pctcvr, conversion),
        "ctr_auc": auc(pctr, click),
        "pcvr_bias_unclicked": _mean(pcvr[~clicked]) - _mean(true_pcvr[~clicked]),
        "pcvr_bias_clicked": _mean(pcvr[clicked]) - _mean(true_pcvr[clicked]),
        "pcvr_ece_entire": ece(pcvr, conv_if_clicked),
    }


def oracle_metrics(truth: Mapping[str, np.ndarray], click: np.ndarray, conversion: np.ndarray) -> dict[str, float]:
    """The same metrics for the true probabilities: the best any model can score on this draw."""
    tc, tv = truth["true_pctr"], truth["true_pcvr"]
    return funnel_metrics(tc, tv, tc * tv, click, conversion, tv, truth["conv_if_clicked"])


def calibration(pred: np.ndarray, true_p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Equal-count bins of the predicted probability: mean predicted and mean true probability per bin."""
    order = np.argsort(pred, kind="stable")
    rows = [{"bin": b, "n": len(c), "predicted": float(pred[c].mean()), "true": float(true_p[c].mean())}
            for b, c in enumerate(np.array_split(order, bins)) if len(c)]
    return pd.DataFrame(rows, columns=["bin", "n", "predicted", "true"])


# ---- configuration ----------------------------------------------------------------------------------------
def base_flat(flat: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The comparison's shared settings: the funnel, TRAIN_DEFAULTS, then `flat`'s data and train keys
    (model keys are dropped: each compared model brings its own)."""
    out: dict[str, Any] = {"data": DATA_ID, **TRAIN_DEFAULTS}
    for k, v in (flat or {}).items():
        if k.startswith(("data.", "train.")):
            out[k] = v
        elif k == "data" and v != DATA_ID:
            from ..params import ConfigError
            raise ConfigError("data", v, f"{DATA_ID}: the funnel comparison needs true probabilities")
    return out


def model_config(flat: Mapping[str, Any], model: str | FunnelModel) -> ExperimentConfig:
    m = MODELS[model] if isinstance(model, str) else model
    return from_flat({**base_flat(flat), "model": m.arch, **{f"model.{k}": v for k, v in m.params.items()}})


def check_models(models: Sequence[str]) -> list[str]:
    from ..params import ConfigError
    out = []
    for m in models:
        if m not in MODELS:
            raise ConfigError("models", m, "comma-separated ids from: " + ", ".join(MODELS))
        out.append(m)
    if not out:
        raise ConfigError("models", "", "at least one model id from: " + ", ".join(MODELS))
    return out
