"""Two (or more) regression tasks with a controlled correlation, as in the MMoE paper.

Ma et al., "Modeling Task Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts",
KDD 2018, section 3.2. With u1 ⟂ u2 unit vectors, w1 = c·u1, w2 = c·(ρ·u1 + sqrt(1-ρ²)·u2),
x ~ N(0, I_d) and y_k = w_kᵀx + Σ_i sin(α_i·w_kᵀx + β_i) + ε_k, the cosine of (w1, w2) is ρ.
The Pearson correlation of the labels is lower than ρ (the sin terms decorrelate), so we measure it.
For T > 2 tasks, task k ≥ 2 uses its own orthogonal direction u_k: every task has cosine ρ with task 1.

Three knobs of task 2 ("task B") provoke the training problems of the balancing lab; their defaults leave
the data exactly as above. `label_scale_b` multiplies task B's labels (noise included), so its MSE is
label_scale_b² times larger: a loss-scale imbalance. `m_b` gives task B its own number of sine terms (the
first m_b of the draw; terms beyond m come from a second draw of the same seed) and `noise_b` its own noise
level: one easy and one hard task, which learn at different speeds.
"""
from __future__ import annotations

import numpy as np
import torch

from ..params import Param
from ..slices import checkpoint
from .base import Dataset, DatasetInfo, DatasetSpec, FeatureSchema, TaskSpec, make_split

PARAMS = (
    Param("n_train", 10000, "training samples", low=200, high=1_000_000, label="Sample size"),
    Param("n_val", 2000, "validation samples", low=100, high=200_000, label="Validation size"),
    Param("n_test", 2000, "test samples", low=100, high=200_000, label="Test size"),
    Param("d", 100, "input dimension", low=2, high=1000, label="Input dimension d"),
    Param("rho", 0.5, "task correlation: cosine of the two tasks' weight vectors", low=-1.0, high=1.0, step=0.05, per_run=True,
          label="ρ — task correlation"),
    Param("c", 1.0, "scale of the weight vectors", low=0.01, high=10.0, per_run=True, label="Weight scale c"),
    Param("m", 10, "number of sine terms (non-linearity)", low=0, high=50, per_run=True,
          label="Non-linearity m (sine terms)"),
    Param("ab_mode", "fixed", "alpha/beta: 'fixed' = drawn once from ab_seed (the paper's given parameters); "
          "'random' = redrawn per run seed", choices=("fixed", "random"), per_run=True, label="α, β draw"),
    Param("ab_seed", 0, "seed of the fixed alpha/beta draw", low=0, high=2**31 - 1, per_run=True, label="α, β seed"),
    Param("noise", 0.1, "label noise standard deviation", low=0.0, high=10.0, step=0.01, per_run=True,
          label="Label noise (std)"),
    Param("n_tasks", 2, "number of tasks", low=2, high=8, label="Number of tasks"),
    Param("label_scale_b", 1.0, "multiplies the labels of task2 (its loss grows by the square): a loss-scale "
          "imbalance", low=0.001, high=10000.0, per_run=True, label="task2 label scale (×)"),
    Param("m_b", -1, "number of sine terms of task2 (-1: the same as m): one easy and one hard task", low=-1,
          high=50, per_run=True, label="task2 non-linearity m_b (−1: = m)"),
    Param("noise_b", -1.0, "label noise standard deviation of task2 (-1: the same as noise)", low=-1.0, high=10.0,
          step=0.01, per_run=True, label="task2 label noise (−1: = noise)"),
)


def spec(p: dict) -> DatasetSpec:
    tasks = tuple(TaskSpec(f"task{k + 1}", "regression", description=f"synthetic regression task {k + 1}")
                  for k in range(p["n_tasks"]))
    return DatasetSpec(tasks=tasks, schema=FeatureSchema(n_dense=p["d"]))


def task_weights(d: int, rho: float, c: float, n_tasks: int, rng: np.random.Generator) -> np.ndarray:
    """(T, d) weight vectors: orthonormal directions from a QR of a Gaussian matrix, mixed by rho."""
    q, _ = np.linalg.qr(rng.standard_normal((d, n_tasks)))  # columns orthonormal
    u = q.T  # (T, d)
    w = np.empty_like(u)
    w[0] = c * u[0]
    for k in range(1, n_tasks):
        w[k] = c * (rho * u[0] + np.sqrt(max(0.0, 1.0 - rho**2)) * u[k])
    return w


CHUNK_VALUES = 1 << 20  # features generated at a time: float64 temporaries stay a few MB whatever the size


def _labels(z: np.ndarray, alpha, beta, alpha_b, beta_b) -> np.ndarray:
    """y_k = z_k + Σ_i sin(α_i z_k + β_i) for rows of z (N, T); task 2 with its own terms when given."""
    y = z + np.sin(alpha[None, None, :] * z[..., None] + beta[None, None, :]).sum(-1)
    if alpha_b is not None:
        y[:, 1] = z[:, 1] + np.sin(alpha_b[None, :] * z[:, 1, None] + beta_b[None, :]).sum(-1)
    return y


def build(p: dict, seed: int) -> Dataset:
    """The same draws, in the same order, as one float64 draw of all rows (x, then the noise), generated in
    chunks of about CHUNK_VALUES features: x is kept in float32 (what the models read), so memory is the data's own."""
    rng = np.random.default_rng(seed)
    d, T = p["d"], p["n_tasks"]
    w = task_weights(d, p["rho"], p["c"], T, rng)
    ab_rng = np.random.default_rng(p["ab_seed"]) if p["ab_mode"] == "fixed" else rng
    alpha, beta = ab_rng.standard_normal(p["m"]), ab_rng.standard_normal(p["m"])
    n = p["n_train"] + p["n_val"] + p["n_test"]
    m_b = p["m"] if p["m_b"] < 0 else p["m_b"]
    alpha_b = beta_b = None
    if m_b != p["m"]:  # task 2 ("B") with its own number of sine terms
        if m_b > p["m"]:  # terms beyond m: a second draw, so the first m stay those of the other tasks
            extra = np.random.default_rng([p["ab_seed"] if p["ab_mode"] == "fixed" else seed, 1])
            alpha_b = np.concatenate([alpha, extra.standard_normal(m_b - p["m"])])
            beta_b = np.concatenate([beta, extra.standard_normal(m_b - p["m"])])
        else:
            alpha_b, beta_b = alpha[:m_b], beta[:m_b]
    xt = torch.empty((n, d), dtype=torch.float32)
    y = np.empty((n, T))
    rows = max(1, CHUNK_VALUES // d)
    for s in range(0, n, rows):
        checkpoint()  # a caller's time slice may end here (`mtl_core.slices`)
        x = rng.standard_normal((min(rows, n - s), d))  # (rows, d) float64: the stream of one big draw
        xt[s:s + len(x)] = torch.from_numpy(x)
        y[s:s + len(x)] = _labels(x @ w.T, alpha, beta, alpha_b, beta_b)
    eps = rng.standard_normal(y.shape)
    noise = np.full(T, p["noise"])
    if p["noise_b"] >= 0:
        noise[1] = p["noise_b"]
    y = y + noise * eps
    if p["label_scale_b"] != 1.0:
        y[:, 1] *= p["label_scale_b"]
    tasks = spec(p).tasks
    yt = torch.from_numpy(y).float()
    empty_cat = torch.zeros((n, 0), dtype=torch.long)
    a, b = p["n_train"], p["n_train"] + p["n_val"]
    splits = [make_split(xt[s], empty_cat[s], yt[s], tasks) for s in (slice(0, a), slice(a, b), slice(b, n))]
    corr = np.corrcoef(y[:a].T)
    meta = {
        "label_pearson": float(corr[0, 1]),  # measured on the training labels
        "label_pearson_matrix": corr.tolist(),
        "weight_cosine": float(w[0] @ w[1] / (np.linalg.norm(w[0]) * np.linalg.norm(w[1]))),
        "weights": w,
        "alpha": alpha,
        "beta": beta,
    }
    return Dataset(spec=spec(p), train=splits[0], val=splits[1], test=splits[2], meta=meta)


INFO = DatasetInfo(
    id="synthetic",
    name="Synthetic (MMoE paper, controlled task correlation)",
    description="Regression tasks whose correlation ρ you set; the label correlation is measured.",
    params=PARAMS,
    spec=spec,
    build=build,
    size_param="n_train",
    train_size=lambda p: p["n_train"],
    relatedness_param="rho",
    primary=("rho", "n_train", "noise", "m"),
    reference="Ma et al., KDD 2018 (MMoE), §3.2",
)
