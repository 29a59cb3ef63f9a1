"""Expert health on hand-built cases: a zeroed expert is dead, twin experts are duplicates, uniform gates have
entropy log E, an ignored expert is unused; the expert-to-gate matching of multi-level models; one run of a
stacked batch."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.func import stack_module_state

from mtl_core.data.base import DatasetSpec, FeatureSchema, TaskSpec
from mtl_core.experts import expert_banks, expert_health, group_mass
from mtl_core.models import ARCHITECTURES, build_model

REG2 = DatasetSpec((TaskSpec("a", "regression"), TaskSpec("b", "regression")), FeatureSchema(n_dense=6))
FEED = DatasetSpec((TaskSpec("view", "binary"), TaskSpec("watch", "regression"), TaskSpec("like", "binary")),
                   FeatureSchema(n_dense=3, categorical=(("user_id", 30), ("item_id", 20))))
FUNNEL = DatasetSpec((TaskSpec("ctr", "binary"), TaskSpec("cvr", "binary", "ctr")),
                     FeatureSchema(n_dense=3, categorical=(("user_id", 30), ("item_id", 20))))


def inputs(spec: DatasetSpec, n: int = 256, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    dense = torch.randn(n, spec.schema.n_dense, generator=g)
    cat = torch.stack([torch.randint(0, c, (n,), generator=g) for _, c in spec.schema.categorical], 1) \
        if spec.schema.categorical else torch.zeros(n, 0, dtype=torch.long)
    return dense, cat


def mmoe(**params):
    torch.manual_seed(0)
    return build_model("mmoe", REG2, {"n_experts": 4, "expert_units": (16, 8), **params})


def test_a_healthy_mmoe_raises_no_flag():
    h = expert_health(mmoe(), *inputs(REG2))
    assert h.experts == ["E1", "E2", "E3", "E4"] and not h.collapsed.any()
    assert (h.dead_share < 0.5).all() and (h.mean_cosine < 0.99).all()


def test_a_zeroed_expert_is_dead_and_flagged():
    m = mmoe()
    with torch.no_grad():
        for w, b in zip(m.experts.weights, m.experts.biases):
            w[2].zero_()
            b[2].zero_()
    h = expert_health(m, *inputs(REG2))
    assert h.dead_share[2] == 1.0 and "dead" in h.reasons[2] and h.collapsed[2]
    assert not h.collapsed[[0, 1, 3]].any()


def test_dead_share_counts_units_of_every_layer():
    m = mmoe(expert_units=(16,))
    assert expert_health(m, *inputs(REG2)).dead_share[0] == 0.0
    with torch.no_grad():  # 4 of expert 0's 16 units never fire
        m.experts.weights[0][0, :, :4] = 0.0
        m.experts.biases[0][0, :4] = -1.0
    assert expert_health(m, *inputs(REG2)).dead_share[0] == pytest.approx(4 / 16)
    m = mmoe()  # two layers, 16 + 8 units: silence expert 0's second layer
    with torch.no_grad():
        m.experts.weights[1][0].zero_()
        m.experts.biases[1][0] = -1.0
    dense, cat = inputs(REG2)
    first = m.experts.activations(m.input(dense, cat))[0][:, 0]  # (B, 16)
    silent_first = int((first <= 0).all(0).sum())
    assert expert_health(m, dense, cat).dead_share[0] == pytest.approx((silent_first + 8) / 24)


def test_two_identical_experts_are_flagged_as_duplicates():
    m = mmoe()
    with torch.no_grad():
        for w, b in zip(m.experts.weights, m.experts.biases):
            w[3].copy_(w[1])
            b[3].copy_(b[1])
    h = expert_health(m, *inputs(REG2))
    assert h.cosine[1, 3] == pytest.approx(1.0, abs=1e-5)
    assert "duplicate of E4" in h.reasons[1] and "duplicate of E2" in h.reasons[3]
    assert not h.collapsed[[0, 2]].any()


def test_uniform_gates_have_entropy_log_e_and_equal_utilisation():
    m = mmoe()
    with torch.no_grad():
        m.gates.weight.zero_()
        m.gates.bias.zero_()
    h = expert_health(m, *inputs(REG2))
    for g in ("a", "b"):
        assert h.entropy[g] == pytest.approx(math.log(4), abs=1e-6) == h.max_entropy[g]
        np.testing.assert_allclose(h.utilisation[g], 0.25, atol=1e-6)


def test_an_expert_no_gate_picks_is_unused():
    m = mmoe()
    with torch.no_grad():
        m.gates.bias[:, 0] = -30.0  # in every gate
        m.gates.bias[0, 1] = -30.0  # in one gate only: still used by the other
    h = expert_health(m, *inputs(REG2))
    assert h.reasons[0] == ["unused"] and "unused" not in h.reasons[1]


def test_ple_experts_are_matched_to_gates_by_level_and_name():
    torch.manual_seed(0)
    m = build_model("ple", REG2)
    dense, cat = inputs(REG2)
    h = expert_health(m, dense, cat)
    assert h.experts[:4] == ["L1/a/1", "L1/a/2", "L1/b/1", "L1/b/2"] and len(h.experts) == 2 * 6
    out = m(dense, cat)
    u = h.utilisation["L2/b"]
    ix = [h.experts.index(k) for k in ("L2/b/1", "L2/b/2", "L2/shared/1", "L2/shared/2")]
    np.testing.assert_allclose(u[ix], out.gates["L2/b"].mean(0).detach().numpy(), atol=1e-6)
    assert np.isnan(np.delete(u, ix)).all()  # the experts it may not pick, and the other level's
    assert np.isnan(h.cosine[0, 6])  # experts of different levels are not compared


def test_one_run_of_a_stacked_batch_equals_that_model_alone():
    models = []
    for s in range(3):
        torch.manual_seed(s)
        models.append(build_model("adatt", FEED))
    stacked, _ = stack_module_state(models)
    dense, cat = inputs(FEED)
    h = expert_health(models[0], dense, cat, params={n: v[2] for n, v in stacked.items()})
    ref = expert_health(models[2], dense, cat)
    np.testing.assert_allclose(h.dead_share, ref.dead_share)
    np.testing.assert_allclose(h.cosine, ref.cosine, atol=1e-6)
    for g in ref.utilisation:
        np.testing.assert_allclose(h.utilisation[g], ref.utilisation[g], atol=1e-6)


def _spec_for(arch: str) -> DatasetSpec:
    return next(s for s in (FEED, FUNNEL) if ARCHITECTURES[arch].supports(s) is None)


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_every_model_with_softmax_gates_gets_a_health_report(arch):
    """Every registered model whose gates are distributions over experts is covered (SNR's routes and
    gate-free models are not)."""
    spec = _spec_for(arch)
    torch.manual_seed(0)
    m = build_model(arch, spec)
    gated = bool(m.structure().gates) and all(g.sums_to_one for g in m.structure().gates)
    h = expert_health(m, *inputs(spec, 64))
    assert (h is not None) == gated, arch
    if h is not None:
        assert len(h.experts) == sum(len(names) for _, _, names in expert_banks(m))
        assert set(h.utilisation) == {g.name for g in m.structure().gates}
        for g, u in h.utilisation.items():  # every declared expert of a gate is found
            assert np.isfinite(u).sum() == len(next(x for x in m.structure().gates if x.name == g).experts)
        assert set(h.to_dict()) >= {"experts", "dead_share", "collapsed", "reasons"}


def test_group_mass_sums_a_gate_per_owner():
    torch.manual_seed(0)
    m = build_model("cgc", REG2)
    out = m(*inputs(REG2))
    means = {g: w.mean(0).detach().numpy() for g, w in out.gates.items()}
    mass = group_mass(m.structure().gates, means)
    assert set(mass["L1/a"]) == {"a", "shared"}
    assert mass["L1/a"]["a"] == pytest.approx(float(means["L1/a"][:2].sum()))
    assert sum(mass["L1/b"].values()) == pytest.approx(1.0)


def home(**params):
    torch.manual_seed(0)
    return build_model("home", FEED, {"expert_units": (16,), **params})


def test_a_swish_unit_is_dead_only_deep_in_its_negative_tail():
    """A Swish unit that is never positive still passes gradient (slope ~0.07 at -1); one pushed far below
    zero on every row passes none: only the second counts as dead, as a ReLU unit that never fires."""
    m = home()
    dense, cat = inputs(FEED)
    h = expert_health(m, dense, cat)
    j = h.experts.index("L1/shared/1")
    assert h.dead_share[j] == 0.0
    bank = m.meta.banks["shared"]
    with torch.no_grad():  # after the normalisation, unit 0..3 of shared/1 sit near -1: negative, not dead
        bank.norm_scales[0][0, :4] = 0.01
        bank.norm_shifts[0][0, :4] = -1.0
    z = bank.pre_activations(m.meta.feature_gates(m.input(dense, cat))[:, -2:])[0][:, 0, :4]
    assert (z < 0).all() and (F.silu(z) < 0).all()  # never positive ...
    assert expert_health(m, dense, cat).dead_share[j] == 0.0  # ... yet alive
    with torch.no_grad():
        bank.norm_shifts[0][0, :4] = -20.0  # now silent: slope ~1e-7
    assert expert_health(m, dense, cat).dead_share[j] == pytest.approx(4 / 16)


def test_a_home_expert_fed_by_its_self_gate_is_used_even_when_its_softmax_gate_ignores_it():
    m = home()
    dense, cat = inputs(FEED)
    with torch.no_grad():
        m.task_level.gates.bias[:, :3] = -1e4  # no task's softmax gate picks its own expert
    h = expert_health(m, dense, cat)
    j = h.experts.index("L2/like/1")
    assert h.utilisation["L2/like"][j] < 1e-6 and h.residual["L2/like"][j] > 0.1
    assert "unused" not in h.reasons[j]
    assert np.isnan(h.residual["L2/like"][h.experts.index("L2/view/1")])  # only a unit's own experts
    with torch.no_grad():
        m.task_level.self_bias[2] = -30.0  # and its self-gate shut: unused
    h = expert_health(m, dense, cat)
    assert h.residual["L2/like"][j] < 1e-6 and h.reasons[j] == ["unused"]
