"""The feed-world studies: verdict tables on frames with known answers, the runner and the benchmark script at
tiny size, and the feed presets (they plan, open on their page and run)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mtl_core.engine.health import HEALTH_METRICS
from mtl_core.experiments import feed as study
from mtl_core.grid import plan_grid, run_grid
from mtl_core.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]
TINY = {"data.n_impressions": 2000, "data.n_users": 50, "data.n_items": 50, "train.epochs": 1}
FEED_PRESETS = ("feed_expert_collapse", "feed_sparse_tasks", "feed_seesaw")


def frame(gains: dict[str, float], seeds=range(6), noise: float = 0.002) -> pd.DataFrame:
    """single_task and "mtl" rows; mtl's AUC (binary) is single + gain, its loss (watch) single − gain."""
    rng = np.random.default_rng(0)
    rows = []
    for seed in seeds:
        for task, gain in gains.items():
            kind = "regression" if task == "watch" else "binary"
            base = 0.7 + rng.normal(0, 0.02)
            for arch, delta in (("single_task", 0.0), ("mtl", gain + rng.normal(0, noise))):
                auc = base + delta if kind == "binary" else np.nan
                loss = 0.2 - delta if kind == "regression" else 0.3
                rows.append(dict(arch=arch, seed=seed, task=task, kind=kind, test_auc=auc, test_loss=loss,
                                 **{k: np.nan for k in HEALTH_METRICS}))
    return pd.DataFrame(rows)


def test_gain_table_signs_and_verdicts_follow_the_known_gains():
    df = frame({"view": 0.02, "watch": 0.01, "like": -0.03, "follow": 0.0})
    g = study.gain_table(df, "mtl", tasks=("view", "watch", "like", "follow")).set_index("task")
    assert g.loc["view", "gain"] == pytest.approx(0.02, abs=0.003) and g.loc["view", "word"] == "better"
    assert g.loc["watch", "metric"] == "test_loss" and g.loc["watch", "word"] == "better"  # lower loss = gain
    assert g.loc["like", "word"] == "worse" and g.loc["like", "high"] < 0
    assert g.loc["follow", "low"] < 0 < g.loc["follow", "high"]
    assert (g["n"] == 6).all()


def test_sparse_table_covers_every_architecture_and_rare_task():
    df = frame({"like": 0.01, "follow": 0.02, "share": 0.0})
    other = df[df.arch == "mtl"].assign(arch="other")
    t = study.sparse_table(pd.concat([df, other]))
    assert set(zip(t.arch, t.task)) == {(a, k) for a in ("mtl", "other") for k in ("like", "follow", "share")}


def test_collapse_table_compares_home_against_mmoe_per_seed():
    rows = []
    for seed in range(5):
        for arch, dead in (("mmoe", 3.0 + seed % 2), ("home", 0.0)):
            rows.append(dict(arch=arch, seed=seed, task="view", kind="binary", experts_collapsed=dead,
                             experts_dead=dead, experts_dead_share=dead / 10, experts_unused=0.0,
                             test_auc=0.6 + 0.01 * seed - (0.02 if arch == "mmoe" else 0.0), test_loss=0.3))
    t = study.collapse_table(pd.DataFrame(rows), tasks=("view",)).set_index("metric")
    assert t.loc["experts_dead", "mmoe"] == pytest.approx(3.4) and t.loc["experts_dead", "home"] == 0
    assert t.loc["experts_dead", "word"] == "better"  # fewer dead experts is better
    assert t.loc["experts_dead_share", "effect"] == pytest.approx(0.34)  # positive: HoME has fewer
    assert t.loc["experts_unused", "word"] == "unclear"
    assert t.loc["test_auc:view", "word"] == "better" and t.loc["test_auc:view", "effect"] == pytest.approx(0.02)


@pytest.mark.slow
def test_run_archs_trains_each_architecture_on_the_same_draws():
    df = study.run_archs({**study.FEED_BASE, **TINY, "model.expert_units": (8,)},
                         {"single_task": {}, "mmoe": {"model.n_experts": 3}}, seeds=[5, 6])
    assert len(df) == 2 * 2 * 5 and set(df.seed) == {5, 6}
    assert df[df.arch == "single_task"][list(HEALTH_METRICS)].isna().all().all()
    mmoe = df[df.arch == "mmoe"]
    assert mmoe["experts_dead_share"].between(0, 1).all() and np.isfinite(mmoe["gate_entropy_ratio"]).all()
    assert np.isfinite(df[df.task.isin(["view", "like"])].test_auc).all()  # 300 test rows: few follows


@pytest.mark.slow
def test_the_benchmark_script_writes_its_tables(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("feed_studies", ROOT / "benchmarks" / "feed_studies.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "COLLAPSE_REGIME", {**study.COLLAPSE_REGIME, **TINY, "model.expert_units": (8,)})
    monkeypatch.setattr(mod, "COLLAPSE_ARCHS", {"mmoe": {"model.n_experts": 3}, "home": {}})
    assert mod.main(["collapse", "--seeds", "0-2", "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "feed_collapse_verdicts.csv")
    assert {"experts_collapsed", "test_auc:follow"} <= set(table.metric)


@pytest.mark.parametrize("pid", FEED_PRESETS)
def test_feed_presets_open_a_multi_architecture_study_in_the_playground(pid):
    preset = PRESETS[pid]
    assert preset.section == "playground" and preset.is_study and "model" in preset.axes
    cfg = preset.experiment()
    batches = plan_grid(cfg, preset.axes, preset.seeds)
    assert sorted(b.cfg.model.id for b in batches) == sorted(preset.axes["model"])
    if pid == "feed_expert_collapse":  # both architectures get the study's three-layer experts, in its regime
        assert {b.cfg.model.params["expert_units"] for b in batches} == {(32, 32, 32)}
        regime = {k: v for k, v in study.COLLAPSE_REGIME.items() if k != "train.baseline"}
        assert {k: preset.config[k] for k in regime} == regime


@pytest.mark.slow
def test_feed_presets_run_at_tiny_size():
    for pid in FEED_PRESETS:
        preset = PRESETS[pid]
        tiny = preset.experiment().with_changes(**TINY)
        df = run_grid(tiny, preset.axes, preset.seeds[:1])
        assert len(df) == len(preset.axes["model"]) * 5 and np.isfinite(df.val_loss).all(), pid
        gated = df[df.arch.isin(["mmoe", "home", "adatt", "ple"])]
        assert gated.empty or np.isfinite(gated["experts_dead_share"]).all()


# ---- lesson 10's numbers, recomputed from the shipped per-run rows (benchmarks/feed_studies.py) --------------------
EXPERIMENTS = ROOT / "assets" / "experiments"


def test_lesson_10_sparse_and_seesaw_claims_hold_in_the_shipped_runs():
    df = pd.read_csv(EXPERIMENTS / "feed_sparse.csv")
    assert sorted(set(df.seed)) == list(range(200, 210))
    follow = study.gain_table(df, "mmoe", tasks=("follow",)).iloc[0]
    assert (follow.word, follow.agree, f"{follow.gain:+.3f}") == ("better", 9, "+0.084")
    assert f"{follow.mmoe_mean:.3f}" == "0.650" and f"{follow.single_task_mean:.3f}" == "0.566"
    adatt = study.gain_table(df, "adatt").set_index("task")
    assert (adatt.loc[["like", "follow", "share"], "word"] == "better").all()
    assert (adatt.loc[["view", "watch"], "word"] == "unclear").all() and adatt.loc["watch", "agree"] == 1
    sparse = study.sparse_table(df)
    assert (sparse[sparse.task == "share"].word == "better").all()  # every architecture gains on share


def test_lesson_10_collapse_claims_hold_in_the_shipped_runs():
    df = pd.read_csv(EXPERIMENTS / "feed_collapse.csv")
    assert sorted(set(df.seed)) == list(range(300, 320))  # fresh: the regime was chosen on 100-109
    t = study.collapse_table(df, tasks=("view", "watch", "like", "follow", "share")).set_index("metric")
    dead = t.loc["experts_dead_share"]
    assert (f"{100 * dead.mmoe:.1f}", f"{100 * dead.home:.1f}") == ("46.6", "0.4")
    assert (dead.word, dead.agree, f"{100 * dead.low:.1f}", f"{100 * dead.high:.1f}") == ("better", 20, "44.5", "47.9")
    assert t.loc["experts_collapsed", "word"] == "unclear" and t.loc["experts_dead", "mmoe"] == 0  # none died outright
    assert (t.loc[[f"test_auc:{k}" for k in ("view", "like", "follow", "share")], "word"] == "unclear").all()
    assert (t.loc[[f"test_loss:{k}" for k in ("view", "like", "follow", "share")], "word"] == "better").all()
    assert t.loc["test_loss:watch", "word"] == "unclear"
    shipped = pd.read_csv(EXPERIMENTS / "feed_collapse_verdicts.csv").set_index("metric")  # what the script wrote
    np.testing.assert_allclose(shipped.loc[t.index, "effect"], t["effect"], rtol=1e-9)


@pytest.mark.parametrize("pid", FEED_PRESETS)
def test_feed_presets_stay_within_the_classroom_caps(pid):
    from app import server

    preset = PRESETS[pid]
    cfg = preset.experiment()
    assert server.over_caps(cfg, server.LIMITS, None) == []
    assert server.study_over_caps(cfg, preset.n_runs, len(preset.seeds), server.LIMITS) == []


def test_every_regime_of_the_collapse_search_table_is_a_valid_config_of_the_search():
    """The shipped search table (assets/experiments/feed_collapse_regimes.csv) lists regimes the benchmark can
    re-run, each a valid config for both architectures; the chosen regime was searched on seeds 100-109."""
    from mtl_core.config import from_flat

    table = pd.read_csv(EXPERIMENTS / "feed_collapse_regimes.csv")
    assert set(table.regime) == set(study.COLLAPSE_SEARCH)
    for flat in study.COLLAPSE_SEARCH.values():
        for arch in study.COLLAPSE_ARCHS:
            from_flat({k: v for k, v in flat.items() if not k.startswith("model.") or study._accepts(arch, k)}
                      | {"model": arch})
    chosen = table[table.regime == next(k for k, v in study.COLLAPSE_SEARCH.items() if v is study.COLLAPSE_REGIME)]
    assert set(chosen.seeds) == {"100-109"} and set(chosen.arch) == {"mmoe", "home"}


@pytest.mark.slow
def test_in_the_collapse_regime_mmoes_relu_units_die_and_homes_do_not_at_tiny_size():
    """The preset's phenomenon on 3,000 impressions and seeds no regime was chosen on: a large share of MMoE's
    expert units pass no gradient, almost none of HoME's."""
    tiny = {**study.COLLAPSE_REGIME, "data.n_impressions": 3000, "data.n_users": 200, "data.n_items": 200}
    df = study.run_archs(tiny, study.COLLAPSE_ARCHS, seeds=[500, 501, 502])
    mmoe, home = (study.per_seed(df, a, "experts_dead_share") for a in ("mmoe", "home"))
    assert (mmoe > 0.25).all() and (home < 0.05).all()
    assert study.compare(df, "home", "mmoe", "experts_dead_share", False).word == "better"
