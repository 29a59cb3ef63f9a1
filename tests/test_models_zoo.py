"""Known answers for the model-zoo architectures: asymmetric sharing, SNR and DSelect-k."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.func import functional_call, stack_module_state, vmap

from mtl_core.config import default_config
from mtl_core.data.base import DatasetSpec, FeatureSchema, TaskSpec
from mtl_core.models import ARCHITECTURES, build_model, count_parameters
from mtl_core.models.budget import param_report
from mtl_core.models.dselect_k import ENTROPY_KEY, smooth_step
from mtl_core.models.snr import ALPHA_SCALE, BETA, GAMMA, L0_KEY, ZETA
from mtl_core.params import ConfigError
from mtl_core.train import RunSpec, train

ZOO = ("asymmetric", "snr", "dselect_k")
REG2 = DatasetSpec((TaskSpec("a", "regression"), TaskSpec("b", "regression")), FeatureSchema(n_dense=6))
REG3 = DatasetSpec(tuple(TaskSpec(n, "regression") for n in "abc"), FeatureSchema(n_dense=6))
SYNTHETIC = DatasetSpec((TaskSpec("task1", "regression"), TaskSpec("task2", "regression")),
                        FeatureSchema(n_dense=100))  # the MMoE-paper data's spec at its defaults
FUNNEL = DatasetSpec((TaskSpec("ctr", "binary"), TaskSpec("cvr", "binary", "ctr")),
                     FeatureSchema(n_dense=3, categorical=(("user", 20), ("item", 10))))


def inputs(spec: DatasetSpec, n: int = 64, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    dense = torch.randn(n, spec.schema.n_dense, generator=g)
    cat = torch.stack([torch.randint(0, c, (n,), generator=g) for _, c in spec.schema.categorical], 1) \
        if spec.schema.categorical else torch.zeros(n, 0, dtype=torch.long)
    return dense, cat


def grads_of(output: torch.Tensor, model) -> dict[str, torch.Tensor]:
    """d output.sum() / d parameter, zeros where the output does not reach a parameter."""
    params = dict(model.named_parameters())
    gs = torch.autograd.grad(output.sum(), list(params.values()), allow_unused=True, retain_graph=True)
    return {n: torch.zeros_like(p) if g is None else g for (n, p), g in zip(params.items(), gs)}


def shared_by_autograd(model, spec: DatasetSpec) -> set[str]:
    """Parameter tensors with an element that two task losses both reach (weights re-drawn N(0, 0.5))."""
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.5)
    dense, cat = inputs(spec, 256, seed=1)
    y = torch.randn(256, len(spec.tasks))
    losses = model.task_losses(model(dense, cat), y, torch.ones_like(y))
    counts = {n: torch.zeros_like(p, dtype=torch.int) for n, p in model.named_parameters()}
    for t in range(len(spec.tasks)):
        for n, g in grads_of(losses[t], model).items():
            counts[n] += (g != 0).int()
    return {n for n, c in counts.items() if int(c.max()) >= 2}


# ============================================================================ asymmetric sharing
def is_zero(g: torch.Tensor) -> bool:
    return torch.equal(g, torch.zeros_like(g))


@pytest.mark.parametrize("source", [1, 2])
def test_asymmetric_source_ignores_the_other_task_and_the_other_reads_the_source(source):
    m = build_model("asymmetric", REG2, {"source_task": source, "bottom_units": (8,), "tower_units": (4,)})
    s, t = source - 1, 2 - source  # indices of the source and the target task
    src, tgt = REG2.task_names[s], REG2.task_names[t]
    assert m.structure().topology == "asymmetric" and m.structure().task_links == ((src, tgt),)
    out = m(*inputs(REG2))
    g_src, g_tgt = grads_of(out.preds[src], m), grads_of(out.preds[tgt], m)
    # the source's output: nothing of the target's bottom or tower
    target_params = [n for n in g_src if n.startswith(("bottoms.", f"towers.nets.{t}."))]
    assert len(target_params) == 6 and all(is_zero(g_src[n]) for n in target_params)
    # the target's output: its own bottom and the source's
    for name in ("source_bottom.net.0.weight", "source_bottom.net.0.bias", "bottoms.weights.0", "bottoms.biases.0"):
        assert not is_zero(g_tgt[name]), name
    assert not is_zero(g_src["source_bottom.net.0.weight"])
    assert m.shared_parameter_names() == ["source_bottom.net.0.weight", "source_bottom.net.0.bias"]
    assert out.extras["shared_rep"].shape == (64, 8)


def test_asymmetric_stop_gradient_keeps_the_value_but_not_the_gradient():
    m = build_model("asymmetric", REG2, {"stop_gradient": True, "bottom_units": (8,)})
    x = inputs(REG2)
    out = m(*x)
    g_tgt = grads_of(out.preds["b"], m)
    assert is_zero(g_tgt["source_bottom.net.0.weight"])  # b's loss does not train a's bottom...
    with torch.no_grad():  # ...but b still reads it
        m.source_bottom.net[0].weight.add_(0.5)
        after = m(*x)
    assert not torch.allclose(after.preds["b"], out.preds["b"])
    assert "shared_rep" not in out.extras and m.shared_parameter_names() == []


def test_asymmetric_stop_gradient_source_trains_as_if_alone():
    """With stop_gradient the source learns from its own loss only: changing how related the other task
    is (ρ changes task 2's labels, not task 1's) leaves the source's training bit for bit the same."""
    base = {"data": "synthetic", "model": "asymmetric", "train.epochs": 1,
            "train.batch_size": 64, "train.snapshots_per_epoch": 1, "data.n_train": 512, "data.n_val": 200,
            "data.n_test": 200}
    def final(rho, stop):
        cfg = default_config(**base, **{"data.rho": rho, "model.stop_gradient": stop})
        return list(train(cfg, [RunSpec(0), RunSpec(1)]))[-1].val_loss  # (R, T)

    a, b = final(0.0, True), final(0.9, True)
    np.testing.assert_array_equal(a[:, 0], b[:, 0])
    assert not np.array_equal(a[:, 1], b[:, 1])
    # without it the other task's loss trains the source's bottom too
    assert not np.array_equal(final(0.0, False)[:, 0], final(0.9, False)[:, 0])


def test_asymmetric_reads_all_others_from_one_source_and_refuses_a_missing_task():
    m = build_model("asymmetric", REG3, {"source_task": 2})
    assert m.structure().task_links == (("b", "a"), ("b", "c"))
    out = m(*inputs(REG3))
    g_c = grads_of(out.preds["c"], m)
    assert not is_zero(g_c["source_bottom.net.0.weight"])  # c reads b's bottom...
    own = g_c["bottoms.weights.0"]  # the other tasks' bottoms, in task order: a, c
    assert is_zero(own[0]) and not is_zero(own[1])  # ...and its own, not a's
    with pytest.raises(ConfigError, match="source_task"):
        build_model("asymmetric", REG2, {"source_task": 3})


# ============================================================================ SNR
def set_log_alpha(gate, value):
    """Set log α of one routing step (the trained parameter is θ = log α / ALPHA_SCALE)."""
    with torch.no_grad():
        gate.theta.copy_(torch.as_tensor(value, dtype=torch.float32).expand_as(gate.theta) / ALPHA_SCALE)


def open_all(m, value: float = 50.0):
    for r in m.routers:
        set_log_alpha(r.gate, value)


def test_snr_aver_with_every_route_open_is_a_dense_sum_of_experts():
    m = build_model("snr", REG2, {"mode": "aver", "n_levels": 2, "n_experts": 3, "expert_units": (5,),
                                  "tower_units": (4,)})
    open_all(m)
    dense, cat = inputs(REG2)
    out = m(dense, cat)
    assert all(torch.equal(w, torch.ones(64, 3)) for w in out.gates.values())
    with torch.no_grad():  # by hand: level-1 experts, summed; level-2 experts, summed; each tower
        e1, e2 = m.experts
        u1 = [F.relu(dense @ e1.weights[0][i] + e1.biases[0][i]) for i in range(3)]
        v = u1[0] + u1[1] + u1[2]
        u2 = [F.relu(v @ e2.weights[0][j] + e2.biases[0][j]) for j in range(3)]
        top = u2[0] + u2[1] + u2[2]
        for t, name in enumerate(REG2.task_names):
            torch.testing.assert_close(out.preds[name], m.towers.nets[t](top).squeeze(-1))


def test_snr_trans_routes_through_one_matrix_per_connection():
    m = build_model("snr", REG3, {"mode": "trans", "n_levels": 1, "n_experts": 2, "expert_units": (4,)})
    set_log_alpha(m.routers[0].gate, [[-5.0, 0.3], [1.0, 5.0], [0.0, -0.7]])
    dense, cat = inputs(REG3)
    out = m(dense, cat)
    with torch.no_grad():
        la = m.routers[0].gate.log_alpha
        z = (torch.sigmoid(la) * (ZETA - GAMMA) + GAMMA).clamp(0, 1)
        assert z[0, 0] == 0 and z[1, 1] == 1 and 0 < z[0, 1] < 1  # pruned, fully open, in between
        ex, W = m.experts[0], m.routers[0].weight
        u = [F.relu(dense @ ex.weights[0][i] + ex.biases[0][i]) for i in range(2)]
        for t, name in enumerate(REG3.task_names):
            v = sum(z[t, i] * (u[i] @ W[t, i]) for i in range(2))
            torch.testing.assert_close(out.preds[name], m.towers.nets[t](v).squeeze(-1))
            torch.testing.assert_close(out.gates[name], z[t].expand(64, -1))


def test_snr_l0_penalty_by_hand_and_zero_when_every_route_is_closed():
    m = build_model("snr", REG2, {"l0_lambda": 0.3})
    x = inputs(REG2)
    la = torch.cat([r.gate.log_alpha.reshape(-1) for r in m.routers])
    expected = 0.3 * torch.sigmoid(la - BETA * math.log(-GAMMA / ZETA)).mean()
    torch.testing.assert_close(m.penalty(m(*x)), expected)
    assert m(*x).extras[L0_KEY].shape == (64,)
    open_all(m, float("-inf"))  # log α -> -inf: every connection closed
    out = m(*x)
    assert m.penalty(out).item() == 0.0
    assert all(torch.equal(w, torch.zeros_like(w)) for w in out.gates.values())
    # nothing reaches the towers: every prediction is the tower's response to a zero input
    for t, name in enumerate(REG2.task_names):
        torch.testing.assert_close(out.preds[name], m.towers.nets[t](torch.zeros(64, 16)).squeeze(-1))


def test_snr_gates_are_one_row_per_routed_unit_and_not_normalised():
    m = build_model("snr", REG2, {"n_levels": 3, "n_experts": 2})
    gates = m.structure().gates
    assert m.structure().topology == "routed"
    assert [g.name for g in gates] == ["L2/E1", "L2/E2", "L3/E1", "L3/E2", "a", "b"]
    assert [g.level for g in gates] == [1, 1, 2, 2, 3, 3] and not any(g.sums_to_one for g in gates)
    assert [e.name for e in gates[-1].experts] == ["L3/E1", "L3/E2"]
    out = m(*inputs(REG2))
    assert list(out.gates) == [g.name for g in gates]
    # at initialisation (log α ≈ 0) every route is half open
    assert all(torch.allclose(w, torch.full_like(w, 0.5), atol=0.01) for w in out.gates.values())


# ============================================================================ DSelect-k
def test_smooth_step_shape():
    g = 0.8
    t = torch.tensor([-1.0, -0.4, 0.0, 0.4, 1.0], requires_grad=True)
    s = smooth_step(t, g)
    torch.testing.assert_close(s.detach(), torch.tensor([0.0, 0.0, 0.5, 1.0, 1.0]))
    (d,) = torch.autograd.grad(s.sum(), t)
    torch.testing.assert_close(d, torch.tensor([0.0, 0.0, 1.5 / g, 0.0, 0.0]))  # C¹: flat at ±γ/2
    grid = torch.linspace(-1, 1, 201)
    assert (smooth_step(grid, g).diff() >= 0).all()


@pytest.mark.parametrize("n,k,gating", [(8, 2, "static"), (6, 3, "static"), (5, 2, "per_example"),
                                         (1, 1, "static")])
def test_dselect_rows_sum_to_one_and_saturated_selectors_pick_at_most_k(n, k, gating):
    m = build_model("dselect_k", REG2, {"n_experts": n, "k": k, "gating": gating})
    x = inputs(REG2)
    out = m(*x)
    for w in out.gates.values():
        assert w.shape == (64, n) and (w >= 0).all()
        torch.testing.assert_close(w.sum(-1), torch.ones(64))
    with torch.no_grad():  # push every encoding variable past ±γ/2: each selector is one-hot
        m.gates.z_bias.copy_(torch.randn_like(m.gates.z_bias).sign() * 2.0)
        if gating == "per_example":
            m.gates.z_weight.zero_()
    out = m(*x)
    for w in out.gates.values():
        assert ((w > 0).sum(-1) <= k).all()
        torch.testing.assert_close(w.sum(-1), torch.ones(64))
    assert m.penalty(out).item() == 0.0 and torch.equal(out.extras[ENTROPY_KEY], torch.zeros(64))


@pytest.mark.parametrize("gating", ["static", "per_example"])
def test_dselect_with_k_equal_n_at_the_uniform_point_is_mmoe_with_equal_weights(gating):
    ds = build_model("dselect_k", FUNNEL, {"n_experts": 4, "k": 4, "gating": gating})
    mm = build_model("mmoe", FUNNEL, {"n_experts": 4})
    with torch.no_grad():
        for p in ds.gates.parameters():
            p.zero_()  # z = 0: S = 1/2, every code equally likely; α = 0: selectors mixed equally
        for p in mm.gates.parameters():
            p.zero_()  # zero logits: softmax gives every expert 1/4
        mm.input.load_state_dict(ds.input.state_dict())
        mm.experts.load_state_dict(ds.experts.state_dict())
        mm.towers.load_state_dict(ds.towers.state_dict())
    x = inputs(FUNNEL)
    a, b = ds(*x), mm(*x)
    for t in FUNNEL.task_names:
        torch.testing.assert_close(a.gates[t], torch.full((64, 4), 0.25))
        torch.testing.assert_close(a.gates[t], b.gates[t])
        torch.testing.assert_close(a.preds[t], b.preds[t])
    # the selectors are as undecided as can be: entropy log(4) each
    torch.testing.assert_close(a.extras[ENTROPY_KEY], torch.full((64,), math.log(4)))


def test_dselect_heatmap_settles_on_at_most_k_experts_after_training():
    """Through the engine (with its penalty), R = 3 runs: each task's mean gate row ends with <= k
    non-zero entries, exact zeros elsewhere."""
    cfg = default_config(**{"data": "synthetic", "model": "dselect_k", "model.k": 2, "train.lr": 0.01,
                            "train.epochs": 6, "train.batch_size": 64, "train.snapshots_per_epoch": 1,
                            "data.n_train": 1000, "data.n_val": 200, "data.n_test": 200})
    snaps = list(train(cfg, [RunSpec(s) for s in range(3)]))
    first, last = snaps[0], snaps[-1]
    for g, w in last.gates.items():  # (R, E)
        assert ((first.gates[g] > 0).sum(1) == 8).all()  # starts on every expert
        assert ((w > 0).sum(1) <= 2).all(), (g, w)
        np.testing.assert_allclose(w.sum(1), 1.0, atol=1e-5)


# ============================================================================ all three
@pytest.mark.parametrize("arch,spec,params", [
    ("asymmetric", REG3, {"source_task": 3}), ("asymmetric", REG2, {"stop_gradient": True}),
    ("asymmetric", FUNNEL, {"stop_gradient": True}),
    ("snr", REG2, {"n_levels": 1}), ("snr", REG3, {"n_levels": 3, "mode": "aver"}),
    ("snr", FUNNEL, {"mode": "trans"}),
    ("dselect_k", REG3, {"gating": "per_example", "n_experts": 6, "k": 3}), ("dselect_k", FUNNEL, {}),
])
def test_declared_shared_parameters_match_autograd_in_other_settings(arch, spec, params):
    model = build_model(arch, spec, params)
    assert set(model.shared_parameter_names()) == shared_by_autograd(model, spec)
    assert set(model.last_shared_parameter_names()) <= set(model.shared_parameter_names())


@pytest.mark.parametrize("arch", ["snr", "dselect_k"])
def test_penalty_runs_under_vmap_per_run(arch):
    """The engine's path: the penalty of each stacked copy, computed inside vmap(functional_call)."""
    models = []
    for s in range(3):
        torch.manual_seed(s)
        models.append(build_model(arch, REG2))
    stacked, _ = stack_module_state(models)
    x = inputs(REG2)

    def run(p, d, c):
        return models[0].penalty(functional_call(models[0], p, (d, c)))

    pens = vmap(run, in_dims=(0, None, None))(stacked, *x)
    assert pens.shape == (3,)
    for r, m in enumerate(models):
        torch.testing.assert_close(pens[r], m.penalty(m(*x)))


def test_snr_l0_penalty_prunes_routes_in_the_engine():
    """A strong L0 penalty closes routes that the task losses do not need; without it none close."""
    base = {"data": "synthetic", "model": "snr", "train.lr": 0.01, "train.epochs": 3, "train.batch_size": 32,
            "train.snapshots_per_epoch": 1, "data.n_train": 2000, "data.n_val": 200, "data.n_test": 200,
            "data.d": 10, "model.expert_units": (8,)}
    closed, mean_z = {}, {}
    for lam in (0.0, 10.0):
        last = list(train(default_config(**base, **{"model.l0_lambda": lam})))[-1]
        closed[lam] = sum(int((w == 0).sum()) for w in last.gates.values())
        mean_z[lam] = float(np.mean([w.mean() for w in last.gates.values()]))
    assert closed[10.0] > closed[0.0] and mean_z[10.0] < mean_z[0.0] - 0.1, (closed, mean_z)


@pytest.mark.parametrize("arch", ZOO)
def test_trains_one_epoch_with_three_batched_runs(arch):
    cfg = default_config(**{"data": "synthetic", "model": arch, "train.epochs": 1, "train.batch_size": 64,
                            "train.snapshots_per_epoch": 1, "data.n_train": 512, "data.n_val": 200,
                            "data.n_test": 200})
    snaps = list(train(cfg, [RunSpec(s) for s in range(3)]))
    last = snaps[-1]
    assert last.done and last.val_loss.shape == (3, 2)
    assert np.isfinite(last.val_loss).all() and np.isfinite(last.train_loss).all()
    assert not np.array_equal(snaps[0].val_loss, last.val_loss)
    assert not np.allclose(last.val_loss[0], last.val_loss[1])  # runs differ (own seeds)
    layout = build_model(arch, SYNTHETIC).gate_layout()
    assert set(last.gates) == set(layout)


def test_registered_after_aitm_with_counts_and_budget():
    ids = list(ARCHITECTURES)
    assert ids[ids.index("aitm") + 1:ids.index("aitm") + 4] == list(ZOO)
    spec = SYNTHETIC
    for arch in ZOO:
        rep = param_report(arch, spec, {})
        assert rep["total"] > rep["paper_convention"] > 0 and 0 < rep["shared"] < rep["total"]
    # asymmetric, by hand: two 100x64 bottoms, towers 64x8 (source) and 128x8 (target)
    m = build_model("asymmetric", spec)
    assert count_parameters(m, paper_convention=True) == 2 * 100 * 64 + 64 * 8 + 128 * 8
    assert count_parameters(m) == 2 * (100 * 64 + 64) + (64 * 8 + 8 + 9) + (128 * 8 + 8 + 9)
    # SNR-Trans, by hand: 2 levels of 4 experts 16 wide, 16x16 per connection (4x4 + 2x4), routing
    # variables excluded from the paper's count
    m = build_model("snr", spec)
    routes = 4 * 4 + 2 * 4
    paper = 4 * 100 * 16 + 4 * 16 * 16 + routes * 16 * 16 + 2 * 16 * 8
    assert count_parameters(m, paper_convention=True) == paper
    assert count_parameters(m) == paper + 4 * 16 * 2 + routes + 2 * (8 + 9)
    # DSelect-k: MMoE's experts and towers; static gates of k selectors x (log2 8 bits + 1 weight) per task
    m = build_model("dselect_k", spec)
    assert count_parameters(m, paper_convention=True) == 13056
    assert count_parameters(m) - count_parameters(m, paper_convention=True) == \
        8 * 16 + 2 * (8 + 9) + 2 * 2 * (3 + 1)
