"""A short-video feed: one impression, five feedback signals, known truth for each.

The problem of the industrial multi-task papers (MMoE at YouTube, PLE at Tencent Video, AdaTT at Meta,
PEPNet and HoME at Kuaishou): a user u sees an item i (by author a) and the system must predict, at once,

    view    effective view: watched at least τ = 30 % (binary, dense: `view_rate`, ~30-50 %)
    watch   watch-time share in [0, 1] (regression)
    like, follow, share   (binary, rare: `like_rate`, `follow_rate`, `share_rate`, 0.1-3 %)

Latent scores. Each user, item and author has biases and latent vectors; a score is
s = b_u + b_i + ⟨U_u, V_i⟩/√k + xᵀw (linear plus an interaction term, x ~ N(0, I) dense context
features whose part has std 0.3). Two task groups: consumption (view, watch) reads the score s_c;
interaction (like, follow, share) reads s_i, built from the consumption side's parameters mixed with fresh
ones by `relatedness` ρ exactly as in the funnel world (so corr(s_c, s_i) ≈ ρ). Each interaction task
mixes the group score with a score of its own by `coherence` γ: s_k = γ·s_i + √(1−γ²)·s_own,k; follow's
own score pairs the user with the item's *author* (b_u + b_a + ⟨U_u, A_a⟩/√k), the author being a
categorical field too.

Truth and labels, per impression:
    p_view = σ(a_v + s_c)                              view ~ Bernoulli(p_view)
    m = σ(s_c);  watch | view ~ τ + (1−τ)·Beta(κm, κ(1−m)),  watch | no view ~ τ·Beta(κm, κ(1−m))  (κ = 4)
    E[watch] = p_view·(τ + (1−τ)m) + (1 − p_view)·τm
    p_k(view) = σ(a_k + s_k − D_k·(1 − view))         like, follow, share ~ Bernoulli(p_k(view))
    true p_k = p_view·p_k(1) + (1 − p_view)·p_k(0)     (the marginal a model of all impressions predicts)
with D_follow = `dependency` and D_like = D_share = dependency / 2: follow comes mostly after a long
(effective) view. Offsets a_v, a_k are set by bisection so the mean true probability is the rate asked for.
Impressions are uniform (user, item) pairs, so n_impressions / n_users is the number per user and the
ID cardinalities are the sparsity knob, as in the funnel world.

`fusion_score` turns per-task probabilities (predicted or true) into one ranking score; `true_value` is
the expected business value of an impression from the truth, and `topk_value` the value a ranking by any
score collects per user: the ranking metric a fusion formula is judged by.
"""
from __future__ import annotations

import numpy as np
import torch

from ..params import ConfigError, Param
from .base import Dataset, DatasetInfo, DatasetSpec, FeatureSchema, TaskSpec, make_split
from .funnel import _sigmoid, logits, split_sizes

TAU = 0.3  # watch share that makes an effective view
KAPPA = 4.0  # concentration of the Beta noise of the watch share
DENSE_STD = 0.3  # std of the dense features' part of each score
TASKS = ("view", "watch", "like", "follow", "share")
RARE = ("like", "follow", "share")
TRUTH = {t: f"true_{t}" for t in TASKS}  # Split.extra keys of the true probabilities / expectations
DEPENDENCY_SHARE = {"like": 0.5, "follow": 1.0, "share": 0.5}  # of `dependency`, per rare task
# Business value of one unit of each signal (for `true_value`): watch time is the currency, a follow the
# most valuable interaction.
DEFAULT_VALUE = {"view": 0.0, "watch": 1.0, "like": 5.0, "follow": 20.0, "share": 10.0}

PARAMS = (
    Param("n_impressions", 100_000, "number of impressions (all splits together)", low=1_000, high=2_000_000, label="Impressions"),
    Param("n_users", 2000, "number of users (ID cardinality; more = sparser)", low=10, high=1_000_000, label="Users (ID cardinality)"),
    Param("n_items", 2000, "number of items (ID cardinality; more = sparser)", low=10, high=1_000_000, label="Items (ID cardinality)"),
    Param("n_authors", 200, "number of authors; each item has one (follow pairs the user with the author)",
          low=2, high=100_000),
    Param("view_rate", 0.4, "mean effective-view rate (watched at least 30 %)", low=0.05, high=0.95, step=0.01,
          per_run=True),
    Param("like_rate", 0.03, "mean like rate over impressions", low=0.0005, high=0.5, step=0.0005, per_run=True),
    Param("follow_rate", 0.005, "mean follow rate over impressions", low=0.0005, high=0.5, step=0.0005,
          per_run=True),
    Param("share_rate", 0.01, "mean share rate over impressions", low=0.0005, high=0.5, step=0.0005, per_run=True),
    Param("relatedness", 0.5, "ρ: correlation of the interaction tasks' score (like, follow, share) with the "
          "consumption tasks' score (view, watch)", low=-1.0, high=1.0, step=0.05, per_run=True, label="Task relatedness"),
    Param("coherence", 0.7, "γ: how much like, follow and share share one interaction score (0 = each its own)",
          low=0.0, high=1.0, step=0.05, per_run=True),
    Param("dependency", 3.0, "log-odds lift of a follow after an effective view (like and share get half): "
          "0 = independent of the view", low=0.0, high=8.0, step=0.1, per_run=True),
    Param("latent_dim", 8, "dimension k of the user/item/author latent vectors", low=1, high=64, per_run=True, label="Latent factors"),
    Param("bias_std", 1.0, "std of the user, item and author biases", low=0.0, high=3.0, step=0.1, per_run=True, label="Bias spread (std)"),
    Param("latent_std", 1.0, "std of each latent coordinate (the interaction term has std latent_std²)",
          low=0.0, high=2.0, step=0.1, per_run=True, label="Factor spread (std)"),
    Param("n_dense", 4, "number of dense context features (a small linear effect on every score)", low=0, high=32, label="Dense features"),
    Param("val_frac", 0.15, "fraction of impressions in the validation split", low=0.01, high=0.4, step=0.01, label="Validation share"),
    Param("test_frac", 0.15, "fraction of impressions in the test split", low=0.01, high=0.4, step=0.01, label="Test share"),
)


def spec(p: dict) -> DatasetSpec:
    tasks = (TaskSpec("view", "binary", description="effective view: watched at least 30 %"),
             TaskSpec("watch", "regression", description="share of the video watched, 0-1"),
             TaskSpec("like", "binary", description="like (rare)"),
             TaskSpec("follow", "binary", description="follow the author (rare, mostly after a long view)"),
             TaskSpec("share", "binary", description="share (rare)"))
    schema = FeatureSchema(p["n_dense"], categorical=(("user_id", p["n_users"]), ("item_id", p["n_items"]),
                                                      ("author_id", p["n_authors"])))
    return DatasetSpec(tasks=tasks, schema=schema)


def train_size(p: dict) -> int:
    return split_sizes(p)[0]


def calibrate(mean_prob, target: float) -> float:
    """Offset o with mean_prob(o) = target, by bisection (mean_prob increases with o)."""
    lo, hi = -60.0, 60.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if mean_prob(mid) < target else (lo, mid)
    return 0.5 * (lo + hi)


class _Draw:
    """Scores of one world: biases and latent vectors of users, items and authors, float32 tables."""

    def __init__(self, p: dict, rng: np.random.Generator):
        self.p, self.rng = p, rng

    def normal(self, *shape, std=1.0) -> np.ndarray:
        z = self.rng.standard_normal(shape, dtype=np.float32)
        z *= np.float32(std)
        return z

    def side(self, n_rows: int) -> dict:
        """Biases, latent vectors of users and of `n_rows` items (or authors), dense weights."""
        p, d = self.p, self.p["n_dense"]
        return {"bu": self.normal(p["n_users"], std=p["bias_std"]), "bi": self.normal(n_rows, std=p["bias_std"]),
                "U": self.normal(p["n_users"], p["latent_dim"], std=p["latent_std"]),
                "V": self.normal(n_rows, p["latent_dim"], std=p["latent_std"]),
                "w": self.normal(d, std=DENSE_STD / np.sqrt(max(d, 1)))}

    def related(self, s: dict, rho: float) -> dict:
        """A side whose every term has correlation ρ with `s`'s and the same variance (see funnel.py)."""
        fresh = self.side(len(s["bi"]))
        lin, lat = np.float32(np.sqrt(max(0.0, 1 - rho ** 2))), np.float32(np.sqrt(1 - abs(rho)))
        r, sr = np.float32(rho), np.float32(np.sqrt(abs(rho)))
        return {"bu": r * s["bu"] + lin * fresh["bu"], "bi": r * s["bi"] + lin * fresh["bi"],
                "U": sr * s["U"] + lat * fresh["U"], "V": np.float32(np.sign(rho)) * sr * s["V"] + lat * fresh["V"],
                "w": r * s["w"] + lin * fresh["w"]}


def _score(s: dict, users, rows, x) -> np.ndarray:
    return logits(s["bu"], s["bi"], s["U"], s["V"], s["w"], users, rows, x)


def build(p: dict, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    draw = _Draw(p, rng)
    n, gamma = p["n_impressions"], p["coherence"]
    author_of = rng.integers(0, p["n_authors"], p["n_items"])  # every item has one author
    consume = draw.side(p["n_items"])
    interact = draw.related(consume, p["relatedness"])
    own = {"like": draw.side(p["n_items"]), "follow": draw.side(p["n_authors"]), "share": draw.side(p["n_items"])}

    users, items = rng.integers(0, p["n_users"], n), rng.integers(0, p["n_items"], n)  # uniform impressions
    authors = author_of[items]
    x = draw.normal(n, p["n_dense"])
    s_c, s_i = _score(consume, users, items, x), _score(interact, users, items, x)
    scores = {"view": s_c, "watch": s_c}
    for k in RARE:
        s_own = _score(own[k], users, authors if k == "follow" else items, x)
        scores[k] = gamma * s_i + np.sqrt(1 - gamma ** 2) * s_own

    a_view = calibrate(lambda o: _sigmoid(s_c + o).mean(), p["view_rate"])
    p_view = _sigmoid(s_c + a_view)
    m = _sigmoid(s_c)
    truth = {"view": p_view, "watch": p_view * (TAU + (1 - TAU) * m) + (1 - p_view) * TAU * m}
    cond = {}
    for k in RARE:
        lift = p["dependency"] * DEPENDENCY_SHARE[k]
        z = scores[k]
        a = calibrate(lambda o: (p_view * _sigmoid(z + o) + (1 - p_view) * _sigmoid(z + o - lift)).mean(),
                      p[f"{k}_rate"])
        cond[k] = (_sigmoid(z + a - lift), _sigmoid(z + a))  # P(k | no view), P(k | view)
        truth[k] = p_view * cond[k][1] + (1 - p_view) * cond[k][0]

    view = rng.random(n) < p_view
    frac = rng.beta(KAPPA * np.clip(m, 1e-4, 1 - 1e-4), KAPPA * np.clip(1 - m, 1e-4, 1 - 1e-4))
    tau = np.float32(TAU)  # in float32 an effective view is still exactly watch >= τ
    watch = np.where(view, np.maximum(tau, TAU + (1 - TAU) * frac), np.minimum(np.nextafter(tau, 0), TAU * frac))
    labels = {"view": view.astype(np.float32), "watch": watch.astype(np.float32)}
    for k in RARE:
        labels[k] = (rng.random(n) < np.where(view, cond[k][1], cond[k][0])).astype(np.float32)
    y = np.stack([labels[t] for t in TASKS], axis=1)

    tasks = spec(p).tasks
    n_train, n_val, _ = split_sizes(p)
    a, b = n_train, n_train + n_val
    dense, cat = torch.from_numpy(x).float(), torch.from_numpy(np.stack([users, items, authors], 1))
    yt = torch.from_numpy(y)
    true_t = {TRUTH[t]: torch.from_numpy(truth[t].astype(np.float32)) for t in TASKS}
    splits = [make_split(dense[s], cat[s], yt[s], tasks, {k: v[s] for k, v in true_t.items()})
              for s in (slice(0, a), slice(a, b), slice(b, n))]

    def corr(m_: np.ndarray) -> list:
        return np.nan_to_num(np.corrcoef(m_.T), nan=0.0).tolist()

    meta = {
        "n_impressions": n, "impressions_per_user": n / p["n_users"], "impressions_per_item": n / p["n_items"],
        "rates": {t: float(y[:, i].mean()) for i, t in enumerate(TASKS)},  # all splits; watch: mean share
        "counts": {t: int(y[:, i].sum()) for i, t in enumerate(TASKS) if t != "watch"},
        "train_counts": {t: int(y[:a, i].sum()) for i, t in enumerate(TASKS) if t != "watch"},
        "label_pearson": float(np.corrcoef(y[:a, 0], y[:a, 2])[0, 1]),  # view vs like, training labels
        "label_pearson_matrix": corr(y[:a]),
        "score_corr_matrix": corr(np.stack([scores[t] for t in TASKS], 1)),
        "group_score_corr": float(np.corrcoef(s_c, s_i)[0, 1]) if s_c.std() > 0 and s_i.std() > 0 else 0.0,
        "follow_given_view": float(labels["follow"][view].mean()) if view.any() else float("nan"),
        "follow_given_no_view": float(labels["follow"][~view].mean()) if (~view).any() else float("nan"),
        "tasks": TASKS, "truth_keys": dict(TRUTH), "task_groups": {"consumption": ("view", "watch"),
                                                                   "interaction": RARE},
    }
    return Dataset(spec=spec(p), train=splits[0], val=splits[1], test=splits[2], meta=meta)


# ---------------------------------------------------------------------------------------------- fusion
def fusion_score(probs: dict[str, np.ndarray], weights: dict[str, float], form: str = "sum") -> np.ndarray:
    """One ranking score per impression from per-task probabilities (predicted or true).

    sum:      Σ_k w_k · p_k                 (a weighted sum, the common first formula)
    product:  Π_k (p_k + ε)^{w_k}            (a product of powers: multiplicative, scale-free per task)
    Tasks missing from `weights` count with weight 0."""
    if form not in ("sum", "product"):
        raise ConfigError("fusion.form", form, "sum or product")
    names = [k for k, w in weights.items() if w != 0]
    for k in names:
        if k not in probs:
            raise ConfigError("fusion.weights", k, "a task of " + ", ".join(probs))
    shape = np.shape(next(iter(probs.values())))
    if form == "sum":
        return sum((weights[k] * np.asarray(probs[k], dtype=np.float64) for k in names), np.zeros(shape))
    return np.exp(sum((weights[k] * np.log(np.asarray(probs[k], dtype=np.float64) + 1e-6) for k in names),
                      np.zeros(shape)))


def truth_of(split) -> dict[str, np.ndarray]:
    """{task: true probability / expectation (N,)} of a feed split."""
    return {t: split.extra[TRUTH[t]].numpy() for t in TASKS}


def true_value(truth: dict[str, np.ndarray], value: dict[str, float] | None = None) -> np.ndarray:
    """Expected business value per impression from the truth: Σ_k value_k · E[signal_k]."""
    return fusion_score(truth, DEFAULT_VALUE if value is None else value, "sum")


def topk_value(scores: np.ndarray, value: np.ndarray, groups: np.ndarray, k: int) -> float:
    """Mean over groups (users) of the summed `value` of the k impressions `scores` ranks highest within
    the group; groups with fewer than k impressions count all of theirs."""
    if k < 1:
        raise ConfigError("fusion.k", k, "an integer >= 1")
    order = np.lexsort((-np.asarray(scores, dtype=np.float64), groups))  # by group, best score first
    g = np.asarray(groups)[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    top = rank < k
    return float(np.asarray(value)[order][top].sum() / len(starts))


INFO = DatasetInfo(
    id="feed",
    name="Feed: one impression, five signals (short-video world)",
    description="Users × items × authors with known true probabilities of an effective view, the watch-time "
                "share and rare likes, follows and shares; task groups whose relatedness you set, and follows "
                "that mostly come after a long view.",
    params=PARAMS,
    spec=spec,
    build=build,
    size_param="n_impressions",
    train_size=lambda p: train_size(p),
    relatedness_param="relatedness",
    primary=("relatedness", "n_impressions", "n_users", "n_items"),
    reference="after the short-video setting of Kuaishou's PEPNet (KDD 2023) and HoME (2024)",
)
