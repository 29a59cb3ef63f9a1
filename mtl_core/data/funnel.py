"""Impression → click → conversion over sparse user/item IDs: the world of ESMM and AITM.

Ma et al., "Entire Space Multi-Task Model", SIGIR 2018. Every user u and item i has a bias and a
latent vector on the CTR side and on the CVR side:

    pCTR = σ(a0 + s·(b_u + b_i + ⟨U_u, V_i⟩/√k + xᵀw))
    pCVR = σ(c0 + b'_u + b'_i + ⟨U'_u, V'_i⟩/√k + xᵀw')

The CVR side is the CTR side mixed with fresh noise by the relatedness ρ: b' = ρ·b + √(1−ρ²)·z (same
for the dense weights w'), and, so that the *product* ⟨U', V'⟩ is also ρ-correlated with ⟨U, V⟩,
U' = √|ρ|·U + √(1−|ρ|)·Z and V' = sign(ρ)·√|ρ|·V + √(1−|ρ|)·W. Every term then has correlation ρ with
its CTR twin and the same variance, so corr(CTR logit, CVR logit) ≈ ρ whatever the mix of terms.

s (selection_strength) sets how strongly clicks select impressions, i.e. the sample selection bias:
s = 0 makes clicks random, so clicked impressions are a fair sample of all impressions (their true
pCVR has the same distribution) whatever ρ; larger s concentrates clicks on high-pCTR impressions,
whose pCVR differs from the rest by ρ. It leaves the CVR side and corr(CTR logit, CVR logit) as they are.

a0 is set by bisection so the mean pCTR over the sampled impressions is base_ctr; c0 so that the
conversion rate among clicks, E[pCTR·pCVR] / E[pCTR], is base_cvr. Impressions are (user, item) pairs
drawn uniformly (no popularity skew), so n_impressions / n_users is the number of impressions per user
and the ID cardinalities are the sparsity knob. x ~ N(0, I) are optional dense context features whose
linear part has std 0.3: a small shift, there so the schema carries dense features too.

Labels: click ~ Bernoulli(pCTR); conv_if_clicked ~ Bernoulli(pCVR) for every impression (the
counterfactual label a CVR model used on all impressions should predict); conversion = click ∧
conv_if_clicked. Task "cvr" lives on clicked impressions; its observed label column is the conversion.
"""
from __future__ import annotations

import numpy as np
import torch

from ..params import Param
from ..slices import checkpoint
from .base import Dataset, DatasetInfo, DatasetSpec, FeatureSchema, TaskSpec, make_split

DENSE_STD = 0.3  # std of the dense features' contribution to each logit

PARAMS = (
    Param("n_impressions", 100_000, "number of impressions (all splits together)", low=1_000, high=2_000_000,
          label="Impressions"),
    Param("n_users", 2000, "number of users (ID cardinality; more = sparser)", low=10, high=1_000_000,
          label="Users (ID cardinality)"),
    Param("n_items", 2000, "number of items (ID cardinality; more = sparser)", low=10, high=1_000_000,
          label="Items (ID cardinality)"),
    Param("latent_dim", 8, "dimension k of the user/item latent vectors", low=1, high=64, per_run=True,
          label="Latent factors"),
    Param("base_ctr", 0.08, "mean click-through rate over impressions", low=0.001, high=0.9, step=0.001, per_run=True,
          label="Base click rate"),
    Param("base_cvr", 0.4, "conversion rate given a click", low=0.001, high=0.99, step=0.01, per_run=True,
          label="Base conversion rate"),
    Param("relatedness", 0.7, "ρ: correlation of the CVR-side biases and factors with the CTR-side ones",
          low=-1.0, high=1.0, step=0.05, per_run=True, label="Task relatedness"),
    Param("selection_strength", 1.0, "how strongly clicks select impressions: multiplies the spread of the CTR "
          "logit (0 = clicks at random, no sample selection bias; 2 = clicks concentrate on the likeliest "
          "impressions)", low=0.0, high=3.0, step=0.1, per_run=True, label="Click selection strength"),
    Param("bias_std", 1.0, "std of the user and item biases", low=0.0, high=3.0, step=0.1, per_run=True,
          label="Bias spread (std)"),
    Param("latent_std", 1.0, "std of each latent coordinate (the interaction term has std latent_std²)",
          low=0.0, high=2.0, step=0.1, per_run=True, label="Factor spread (std)"),
    Param("n_dense", 0, "number of dense context features (small linear effect on both logits)", low=0, high=32,
          label="Dense features"),
    Param("val_frac", 0.15, "fraction of impressions in the validation split", low=0.01, high=0.4, step=0.01,
          label="Validation share"),
    Param("test_frac", 0.15, "fraction of impressions in the test split", low=0.01, high=0.4, step=0.01,
          label="Test share"),
)


def spec(p: dict) -> DatasetSpec:
    tasks = (TaskSpec("ctr", "binary", "all", description="click given impression"),
             TaskSpec("cvr", "binary", "ctr", description="conversion given click (observed on clicks only)"))
    schema = FeatureSchema(p["n_dense"], categorical=(("user_id", p["n_users"]), ("item_id", p["n_items"])))
    return DatasetSpec(tasks=tasks, schema=schema)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def calibrate_offset(z: np.ndarray, target: float, weights: np.ndarray | None = None) -> float:
    """Offset o with weighted mean σ(z + o) = target, by bisection (the mean is increasing in o)."""
    w = np.ones_like(z) if weights is None else weights
    lo, hi = -40.0 - z.max(), 40.0 - z.min()
    for _ in range(45):
        checkpoint()  # a caller's time slice may end here (`mtl_core.slices`)
        mid = 0.5 * (lo + hi)
        if np.average(_sigmoid(z + mid), weights=w) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def logits(bu, bi, U, V, w, users, items, x, chunk=1 << 18) -> np.ndarray:
    """b_u + b_i + ⟨U_u, V_i⟩/√k + xᵀw per impression, float64; chunked to bound memory."""
    dot = np.concatenate([_checked(np.einsum("nk,nk->n", U[users[s:s + chunk]], V[items[s:s + chunk]]))
                          for s in range(0, len(users), chunk)])
    return (bu[users] + bi[items]).astype(np.float64) + dot / np.sqrt(U.shape[1]) + x @ w


def _checked(a: np.ndarray) -> np.ndarray:
    checkpoint()
    return a


def split_sizes(p: dict) -> tuple[int, int, int]:
    """(train, validation, test) impression counts."""
    n = p["n_impressions"]
    n_test, n_val = int(round(n * p["test_frac"])), int(round(n * p["val_frac"]))
    return n - n_val - n_test, n_val, n_test


def train_size(p: dict) -> int:
    return split_sizes(p)[0]


def build(p: dict, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    nu, ni, k, n, rho = p["n_users"], p["n_items"], p["latent_dim"], p["n_impressions"], p["relatedness"]
    s_lin, s_rho = np.sqrt(max(0.0, 1 - rho**2)), np.sqrt(abs(rho))
    s_lat = np.sqrt(1 - abs(rho))

    def normal(*shape, std=1.0):  # float32 keeps million-ID tables fast; logits are float64 below
        z = rng.standard_normal(shape, dtype=np.float32)
        z *= np.float32(std)
        return z

    bu, bi = normal(nu, std=p["bias_std"]), normal(ni, std=p["bias_std"])
    U, V = normal(nu, k, std=p["latent_std"]), normal(ni, k, std=p["latent_std"])
    bu2 = rho * bu + s_lin * normal(nu, std=p["bias_std"])
    bi2 = rho * bi + s_lin * normal(ni, std=p["bias_std"])
    U2 = normal(nu, k, std=p["latent_std"] * s_lat)
    U2 += np.float32(s_rho) * U
    V2 = normal(ni, k, std=p["latent_std"] * s_lat)
    V2 += np.float32(np.sign(rho) * s_rho) * V
    d = p["n_dense"]
    w = normal(d, std=DENSE_STD / np.sqrt(max(d, 1)))
    w2 = rho * w + s_lin * normal(d, std=DENSE_STD / np.sqrt(max(d, 1)))

    users, items = rng.integers(0, nu, n), rng.integers(0, ni, n)  # uniform impressions
    x = normal(n, d)
    zc = p["selection_strength"] * logits(bu, bi, U, V, w, users, items, x)
    zv = logits(bu2, bi2, U2, V2, w2, users, items, x)
    a0 = calibrate_offset(zc, p["base_ctr"])
    pctr = _sigmoid(zc + a0)
    c0 = calibrate_offset(zv, p["base_cvr"], weights=pctr)  # conversion rate among clicks
    pcvr = _sigmoid(zv + c0)

    click = (rng.random(n) < pctr).astype(np.float32)
    conv_if_clicked = (rng.random(n) < pcvr).astype(np.float32)
    y = np.stack([click, click * conv_if_clicked], axis=1)

    tasks = spec(p).tasks
    n_train, n_val, _ = split_sizes(p)
    a, b = n_train, n_train + n_val
    t = {"dense": torch.from_numpy(x).float(), "cat": torch.from_numpy(np.stack([users, items], 1)),
         "y": torch.from_numpy(y), "true_pctr": torch.from_numpy(pctr).float(),
         "true_pcvr": torch.from_numpy(pcvr).float(), "conv_if_clicked": torch.from_numpy(conv_if_clicked)}
    extra_keys = ("true_pctr", "true_pcvr", "conv_if_clicked")
    splits = [make_split(t["dense"][s], t["cat"][s], t["y"][s], tasks, {key: t[key][s] for key in extra_keys})
              for s in (slice(0, a), slice(a, b), slice(b, n))]

    n_clicks, n_conv = int(click.sum()), int(y[:, 1].sum())
    clicked = click > 0
    meta = {
        # counts and rates over all impressions (all splits)
        "n_impressions": n, "n_clicks": n_clicks, "n_conversions": n_conv,
        "n_train_clicks": int(click[:a].sum()), "n_train_conversions": int(y[:a, 1].sum()),
        "ctr": n_clicks / n, "cvr_given_click": n_conv / max(n_clicks, 1), "ctcvr": n_conv / n,
        "impressions_per_user": n / nu, "impressions_per_item": n / ni,
        # sample selection bias: true pCVR is higher on clicked impressions when relatedness > 0
        "mean_true_pcvr_all": float(pcvr.mean()),
        "mean_true_pcvr_clicked": float(pcvr[clicked].mean()) if clicked.any() else float("nan"),
        "logit_corr": float(np.corrcoef(zc, zv)[0, 1]) if zc.std() > 0 and zv.std() > 0 else float("nan"),
        "label_pearson": _pearson(y[:a, 0], y[:a, 1]),  # measured on the training labels
        "a0": float(a0), "c0": float(c0),
        "entire_space_labels": {"cvr": "conv_if_clicked"},
    }
    return Dataset(spec=spec(p), train=splits[0], val=splits[1], test=splits[2], meta=meta)


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else float("nan")


INFO = DatasetInfo(
    id="funnel",
    name="Funnel: impression → click → conversion (ESMM world)",
    description="Users × items with known true pCTR and pCVR; conversions are observed only after clicks. "
                "ID cardinality (sparsity) and CTR–CVR relatedness decide whether ESMM beats a clicked-only "
                "CVR model.",
    params=PARAMS,
    spec=spec,
    build=build,
    size_param="n_impressions",
    train_size=lambda p: train_size(p),
    relatedness_param="relatedness",
    primary=("relatedness", "n_impressions", "n_users", "n_items"),
    reference="Ma et al., SIGIR 2018 (ESMM)",
)
