"""The funnel explorer: the generator against its knobs, the funnel models' losses and decomposition,
the comparison's metrics and CLI, and the story itself (ESMM beats the naive CVR model on the entire
space of the `esmm_story` preset). The page and its figures: tests/test_app_funnel.py."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from mtl_core.data import DATASETS
from mtl_core.data.base import DatasetSpec, FeatureSchema, TaskSpec
from mtl_core.experiments import funnel as fx
from mtl_core.models import ARCHITECTURES, build_model
from mtl_core.models.base import bce
from mtl_core.params import ConfigError, resolve_params
from mtl_core.presets import PRESETS

SPEC = DatasetSpec((TaskSpec("ctr", "binary", "all"), TaskSpec("cvr", "binary", "ctr")),
                   FeatureSchema(n_dense=2, categorical=(("user", 30), ("item", 20))))
FUNNEL_ARCHS = ("esmm", "esmm_ns", "ipw", "escm2_ipw")
BACKBONES = ARCHITECTURES["esmm"].params[0].choices


def build(seed=0, **given):
    info = DATASETS["funnel"]
    return info.build(resolve_params(info.params, given, "data"), seed)


def rows(ds, attr):
    return torch.cat([getattr(s, attr) for s in (ds.train, ds.val, ds.test)])


def extra(ds, key):
    return torch.cat([s.extra[key] for s in (ds.train, ds.val, ds.test)]).numpy().astype(float)


def batch(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    dense = torch.randn(n, 2, generator=g)
    cat = torch.stack([torch.randint(0, 30, (n,), generator=g), torch.randint(0, 20, (n,), generator=g)], 1)
    click = (torch.rand(n, generator=g) < 0.5).float()
    conv = (torch.rand(n, generator=g) < 0.5).float()
    y = torch.stack([click, click * conv], 1)
    return dense, cat, y, torch.stack([torch.ones(n), click], 1)


def generic(model, seed=1):
    """Generic weights: no dead ReLU hides a dependence."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.5)
    return model


# ---- the generator ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("given", [{"base_ctr": 0.08, "base_cvr": 0.1, "selection_strength": 1.5},
                                   {"base_ctr": 0.2, "base_cvr": 0.4, "selection_strength": 0.0},
                                   {"base_ctr": 0.05, "base_cvr": 0.3, "selection_strength": 2.5, "relatedness": -0.3}])
def test_generator_rates_match_the_knobs_within_sampling_error(given):
    ds = build(seed=3, n_impressions=200_000, **given)
    m = ds.meta
    n, clicks = m["n_impressions"], m["n_clicks"]
    ctr, cvr = given["base_ctr"], given["base_cvr"]
    # the offsets are calibrated on the sampled impressions' true probabilities; the labels are Bernoulli draws
    assert abs(m["ctr"] - ctr) < 4 * np.sqrt(ctr * (1 - ctr) / n) + 1e-3
    assert abs(m["cvr_given_click"] - cvr) < 4 * np.sqrt(cvr * (1 - cvr) / clicks) + 1e-3
    pctr, pcvr = extra(ds, "true_pctr"), extra(ds, "true_pcvr")
    assert abs(pctr.mean() - ctr) < 1e-3  # calibrated exactly (bisection) up to float32 storage
    assert abs((pctr * pcvr).sum() / pctr.sum() - cvr) < 1e-3


def test_no_conversion_without_a_click_and_counterfactual_labels_agree_on_clicks():
    ds = build(seed=1, n_impressions=50_000, base_cvr=0.1, selection_strength=1.5)
    y = rows(ds, "y").numpy()
    conv_if = extra(ds, "conv_if_clicked")
    click, conv = y[:, 0] > 0.5, y[:, 1] > 0.5
    assert not (conv & ~click).any()  # no conversion without a click
    assert np.array_equal(conv[click], conv_if[click] > 0.5)  # observed = counterfactual where clicked
    assert (conv_if[~click] > 0.5).any()  # ... and unclicked impressions still have counterfactual conversions


def test_selection_strength_sets_the_sample_selection_bias():
    gaps = []
    for s in (0.0, 1.0, 2.0):
        m = build(seed=0, n_impressions=100_000, selection_strength=s).meta
        gaps.append(m["mean_true_pcvr_clicked"] - m["mean_true_pcvr_all"])
    assert abs(gaps[0]) < 0.01  # random clicks: the clicked impressions are a fair sample
    assert gaps[0] < gaps[1] < gaps[2]
    # it leaves the CVR side alone: with the same seed the CVR logits differ by a constant (c0 re-calibrates)
    a, b = build(seed=4, n_impressions=5_000, selection_strength=0.5), build(seed=4, n_impressions=5_000)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    diff = logit(extra(a, "true_pcvr")) - logit(extra(b, "true_pcvr"))
    assert diff.std() < 1e-3


# ---- the models -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("arch", FUNNEL_ARCHS)
def test_pctcvr_is_pctr_times_pcvr_exactly(arch):
    model = generic(build_model(arch, SPEC))
    dense, cat, _, _ = batch()
    out = model(dense, cat)
    assert torch.equal(out.extras["ctcvr"], out.preds["ctr"] * out.preds["cvr"])


def test_aitm_pctcvr_is_pctr_times_pcvr_wherever_the_ratio_is_not_clamped():
    for alpha in (0.6, 0.0):
        model = generic(build_model("aitm", SPEC, {"calibrator_alpha": alpha}))
        dense, cat, _, _ = batch(256)
        out = model(dense, cat)
        ok = out.extras["ctcvr"] <= out.preds["ctr"]  # defined: a later step no likelier than the earlier one
        assert ok.any()
        torch.testing.assert_close((out.preds["ctr"] * out.preds["cvr"])[ok], out.extras["ctcvr"][ok])


@pytest.mark.parametrize("arch", ("esmm", "esmm_ns"))
def test_esmm_loss_has_no_term_on_the_cvr_label(arch):
    """ESMM never sees the conversion label alone: its loss depends on y only through click and click ∧ conversion,
    and its gradient is exactly that of BCE(pCTR, click) + BCE(pCTR·pCVR, click ∧ conversion)."""
    model = generic(build_model(arch, SPEC))
    dense, cat, y, mask = batch(128)
    out = model(dense, cat)
    loss = model.task_losses(out, y, mask).sum()
    # 1. perturb the CVR labels where they are unobserved (unclicked): nothing changes
    y2 = y.clone()
    y2[:, 1] = torch.where(y[:, 0] > 0, y[:, 1], 1.0)
    assert torch.equal(model.task_losses(out, y2, mask).sum(), loss)
    # 2. no BCE(pCVR, conversion) term: the gradient w.r.t. pCVR is that of the CTCVR loss alone
    p_cvr = out.preds["cvr"]
    g = torch.autograd.grad(loss, p_cvr, retain_graph=True)[0]
    ctcvr = out.preds["ctr"] * p_cvr
    g_ref = torch.autograd.grad(bce(ctcvr, y[:, 0] * y[:, 1]).mean(), p_cvr, retain_graph=True)[0]
    torch.testing.assert_close(g, g_ref)
    # 3. and it is not the clicked-only CVR loss's gradient
    g_naive = torch.autograd.grad((bce(p_cvr, y[:, 1]) * mask[:, 1]).sum() / mask[:, 1].sum(), p_cvr)[0]
    assert not torch.allclose(g, g_naive)


def test_ipw_loss_by_hand_and_no_gradient_through_the_propensity():
    model = generic(build_model("ipw", SPEC, {"propensity_floor": 0.05}))
    dense, cat, y, mask = batch(128)
    out = model(dense, cat)
    losses = model.task_losses(out, y, mask)
    p_ctr, p_cvr = out.preds["ctr"], out.preds["cvr"]
    w = y[:, 0] / p_ctr.detach().clamp_min(0.05)
    torch.testing.assert_close(losses[1], (w * bce(p_cvr, y[:, 1])).mean())
    torch.testing.assert_close(losses[0], bce(p_ctr, y[:, 0]).mean())
    # the propensity is detached: the CVR loss sends no gradient into the CTR tower
    ctr_tower = [p for n, p in model.named_parameters() if n.startswith("backbone.towers.nets.0.")]
    grads = torch.autograd.grad(losses[1], ctr_tower, allow_unused=True)
    assert all(g is None or not g.any() for g in grads)
    # unobserved CVR labels (unclicked impressions) do not matter
    y2 = y.clone()
    y2[:, 1] = torch.where(y[:, 0] > 0, y[:, 1], 1.0)
    assert torch.equal(model.task_losses(out, y2, mask), losses)


def test_escm2_is_esmm_plus_lambda_times_the_ips_risk():
    torch.manual_seed(0)
    lam = 0.7
    escm = generic(build_model("escm2_ipw", SPEC, {"counterfactual_weight": lam, "propensity_floor": 0.05}))
    esmm = build_model("esmm", SPEC)
    esmm.load_state_dict(escm.state_dict())
    dense, cat, y, mask = batch(128)
    out_a, out_b = escm(dense, cat), esmm(dense, cat)
    la, lb = escm.task_losses(out_a, y, mask), esmm.task_losses(out_b, y, mask)
    w = y[:, 0] / out_a.preds["ctr"].detach().clamp_min(0.05)
    ips = (w * bce(out_a.preds["cvr"], y[:, 1])).mean()
    torch.testing.assert_close(la[0], lb[0])
    torch.testing.assert_close(la[1], lb[1] + lam * ips)
    zero = build_model("escm2_ipw", SPEC, {"counterfactual_weight": 0.0})
    zero.load_state_dict(escm.state_dict())
    torch.testing.assert_close(zero.task_losses(zero(dense, cat), y, mask), lb)


def _tasks_depending_on(model) -> dict[str, int]:
    dense, cat, y, mask = batch(256, seed=3)
    losses = model.task_losses(model(dense, cat), y, mask)
    counts = {n: torch.zeros_like(p, dtype=torch.int) for n, p in model.named_parameters()}
    for t in range(2):
        grads = torch.autograd.grad(losses[t], list(model.parameters()), retain_graph=True, allow_unused=True)
        for (n, _), g in zip(model.named_parameters(), grads):
            if g is not None:
                counts[n] += (g != 0).int()
    return {n: int(c.max()) for n, c in counts.items()}


@pytest.mark.parametrize("arch", ("ipw", "escm2_ipw"))
@pytest.mark.parametrize("backbone", BACKBONES)
def test_declared_shared_parameters_match_autograd_on_every_backbone(arch, backbone):
    model = generic(build_model(arch, SPEC, {"backbone": backbone}))
    depends = _tasks_depending_on(model)
    assert set(model.shared_parameter_names()) == {n for n, k in depends.items() if k >= 2}
    assert set(model.last_shared_parameter_names()) <= set(model.shared_parameter_names())


def test_funnel_models_refuse_what_is_not_a_two_step_funnel():
    reg = DatasetSpec((TaskSpec("a", "regression"), TaskSpec("b", "regression")), FeatureSchema(n_dense=3))
    three = DatasetSpec((TaskSpec("ctr", "binary"), TaskSpec("cvr", "binary", "ctr"), TaskSpec("buy", "binary", "cvr")),
                        FeatureSchema(n_dense=3))
    for arch in FUNNEL_ARCHS:
        assert "funnel" in ARCHITECTURES[arch].supports(reg)
        assert "exactly two" in ARCHITECTURES[arch].supports(three)
        info = ARCHITECTURES[arch]
        assert info.paper and info.year and info.description
        assert build_model(arch, SPEC).structure().outputs == ("ctcvr",)


# ---- the comparison ------------------------------------------------------------------------------------------
def test_funnel_metrics_by_hand():
    click = np.array([1, 1, 1, 0, 0, 0, 1, 0], float)
    conversion = np.array([1, 0, 1, 0, 0, 0, 0, 0], float)
    conv_if = np.array([1, 0, 1, 1, 0, 0, 0, 1], float)
    true_pcvr = np.array([.8, .2, .7, .6, .1, .1, .3, .5])
    pcvr = np.array([.9, .1, .6, .2, .3, .1, .2, .4])
    pctr = np.full(8, 0.5)
    m = fx.funnel_metrics(pctr, pcvr, pctr * pcvr, click, conversion, true_pcvr, conv_if)
    assert m["cvr_auc_clicked"] == 1.0  # clicked: pcvr .9 .1 .6 .2 vs labels 1 0 1 0
    assert m["pcvr_bias_unclicked"] == pytest.approx(np.mean([.2, .3, .1, .4]) - np.mean([.6, .1, .1, .5]))
    assert m["pcvr_bias_clicked"] == pytest.approx(np.mean([.9, .1, .6, .2]) - np.mean([.8, .2, .7, .3]))
    from sklearn.metrics import roc_auc_score
    assert m["cvr_auc_entire"] == pytest.approx(roc_auc_score(conv_if, pcvr))
    assert fx.ece(np.array([.2, .2, .8, .8]), np.array([0, 0, 1, 1.]), bins=2) == pytest.approx(0.2)
    cal = fx.calibration(pcvr, true_pcvr, bins=4)
    assert list(cal["n"]) == [2, 2, 2, 2] and cal["predicted"].is_monotonic_increasing


def test_model_ids_are_the_issue_s_and_configs_validate():
    assert {"naive", "esmm", "esmm_ns", "aitm", "aitm_nocal", "ipw", "escm2_ipw"} <= set(fx.DEFAULT_MODELS)
    for mid in fx.MODELS:
        cfg = fx.model_config({"data.n_impressions": 5000}, mid)
        assert cfg.data.id == "funnel" and cfg.model.id == fx.MODELS[mid].arch
    with pytest.raises(ConfigError, match="models"):
        fx.check_models(["esmm", "nope"])


def test_comparison_on_tiny_settings_writes_summary_and_results(tmp_path):
    flat = {"data.n_impressions": 4000, "data.n_users": 100, "data.n_items": 100, "train.epochs": 1,
            "train.batch_size": 512}
    result = fx.run_funnel(flat, ["naive", "esmm", "aitm_nocal"], seeds=[0, 1])
    result.write(tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert list(summary["models"]) == ["naive", "esmm", "aitm_nocal"]
    for entry in summary["models"].values():
        for metric in ("cvr_auc_clicked", "cvr_auc_entire", "ctcvr_auc", "pcvr_bias_unclicked"):
            assert isinstance(entry[metric], float) and isinstance(entry[metric + "_sd"], float)
        assert entry["n_seeds"] == 2
    assert summary["reference_ali_ccp"]["models"]["esmm"] == {"cvr_auc": 68.56, "ctcvr_auc": 65.32}
    assert summary["oracle"]["pcvr_bias_unclicked"] == 0.0
    import pandas as pd
    df = pd.read_csv(tmp_path / "results.csv")
    assert len(df) == 6 and set(df.seed) == {0, 1} and (df.status == "ok").all()
    # the same draws for every model; samples keep the first seed's predictions
    assert set(result.samples["models"]) == {"naive", "esmm", "aitm_nocal"}
    n_test = len(result.samples["click"])
    assert all(len(v["pcvr"]) == n_test for v in result.samples["models"].values())
    # means are the means of the rows
    table = result.table()
    assert table.loc["esmm", "cvr_auc_entire"] == pytest.approx(df[df.model == "esmm"].cvr_auc_entire.mean())


def cli(*args):
    return subprocess.run([sys.executable, "-m", "mtl_core", *args], capture_output=True, text=True, timeout=300)



def test_the_live_curve_reaches_the_last_epoch_once_per_point():
    """The page's live AUC curve gets one point per snapshot and model, the final epoch's included (it comes
    with the model's finished rows)."""
    from app.sections.funnel.views import _history_rows

    flat = {"data.n_impressions": 4000, "data.n_users": 100, "data.n_items": 100, "train.epochs": 2,
            "train.batch_size": 256}
    rows = [r for p in fx.iter_funnel(flat, ["naive", "esmm"], [0], snapshots_per_epoch=2) for r in _history_rows(p)]
    for model in ("naive", "esmm"):
        epochs = [r["epoch"] for r in rows if r["model"] == model]
        assert epochs == sorted(set(epochs)) and epochs[-1] == 2.0 and len(epochs) == 5, (model, epochs)  # step 0, then 2 per epoch

def test_cli_funnel_writes_the_files(tmp_path):
    res = cli("funnel", "--models", "naive,esmm", "--seeds", "2", "--n-impressions", "3000", "--n-users", "50",
              "--n-items", "50", "--epochs", "1", "--base-cvr", "0.2", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["models"]) == {"naive", "esmm"} and summary["seeds"] == [0, 1]
    assert summary["config"]["data.base_cvr"] in ("0.2", 0.2)
    assert "cvr_auc_entire" in res.stdout


@pytest.mark.parametrize("args,flag", [(["--base-cvr", "2"], "--base-cvr"), (["--models", "esmm,bogus"], "--models"),
                                       (["--preset", "gates_unrelated"], "--preset"),
                                       (["--selection-strength", "-1"], "--selection-strength"),
                                       (["--set", "model.n_experts=3"], "--set"), (["--seeds", "x"], "--seeds")])
def test_cli_funnel_bad_flags_are_named_in_one_line(args, flag, tmp_path, capsys):
    from mtl_core.__main__ import main
    assert main(["funnel", *args, "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err
    assert flag in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "bad").exists()


def test_story_preset_is_a_valid_funnel_preset():
    p = PRESETS["esmm_story"]
    assert p.section == "funnel" and p.experiment().data.id == "funnel"
    d = dict(p.experiment().data.params)
    assert d["n_users"] >= 2000 and d["n_items"] >= 2000  # sparse IDs: where ESMM's edge lives
    assert d["base_cvr"] <= 0.15 and d["selection_strength"] > 1  # rare conversions, strong bias


# ---- the story --------------------------------------------------------------------------------------------------
def test_on_the_story_preset_esmm_beats_the_naive_model_on_the_entire_space():
    """ESMM's entire-space CVR AUC beats the naive (clicked-only) model's on every one of three fixed seeds,
    and its pCVR is less biased on unclicked impressions."""
    torch.set_num_threads(1)
    flat = {k: v for k, v in PRESETS["esmm_story"].config.items()}
    result = fx.run_funnel(flat, ["naive", "esmm"], seeds=[0, 1, 2])
    df = result.frame().set_index(["model", "seed"])
    for seed in (0, 1, 2):
        assert df.loc[("esmm", seed), "cvr_auc_entire"] > df.loc[("naive", seed), "cvr_auc_entire"] + 0.02, seed
        assert df.loc[("esmm", seed), "pcvr_bias_unclicked"] < df.loc[("naive", seed), "pcvr_bias_unclicked"], seed


# ---- the regime map (the page and its figures: tests/test_app_funnel.py) ----------------------------------
def test_regime_map_on_tiny_settings_and_gaps_by_hand():
    flat = {"data.n_impressions": 3000, "train.epochs": 1, "train.batch_size": 512}
    batches = list(fx.iter_regime(flat, n_ids=(40, 80), strengths=(0.0, 2.0), seeds=(0, 1)))
    assert len(batches) == 4 and all(len(b) == 4 for b in batches)  # 2 sparsities x 2 models, 2 strengths x 2 seeds
    import pandas as pd
    df = pd.DataFrame([r for b in batches for r in b])
    gaps = fx.regime_gaps(df)
    assert len(gaps) == 4 and (gaps.n_seeds == 2).all()
    row = gaps[(gaps.n_ids == 40) & (gaps.selection_strength == 2.0)].iloc[0]
    sel = df[(df.n_ids == 40) & (df.selection_strength == 2.0)]
    diff = sel[sel.model == "esmm"].set_index("seed").cvr_auc_entire - sel[sel.model == "naive"].set_index("seed").cvr_auc_entire
    assert row.gap == pytest.approx(diff.mean()) and row.gap_sd == pytest.approx(diff.std(ddof=1))
