"""Loss-weighting strategies: what every registered strategy keeps, derived from the registry so a new
strategy is checked without editing this file: registered with its paper, a torch Module with run-shaped
state, runs in a batch equal to runs alone (also with per-run hyper-parameters), the ctx penalty added once.
(Known answers per strategy: test_weighting_answers.py; inside the training engine: test_weighting_in_engine.py.)
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest
import torch

from mtl_core.params import ConfigError
from mtl_core.weighting import WEIGHTINGS, GradientWeighting, Weighting, build_weighting
from weighting_cases import (assert_run_matches, combined, ctx, linear_problem, t64, tasks,  # noqa: F401
                             train_toy)  # combined, ctx, linear_problem, t64, tasks: also imported from here


# -------------------------------------------------------------------------------------------------
# known answers from the papers: which strategies read per-task gradients, which learn their own weights
GRADIENT_BASED = {"gradnorm", "pcgrad", "mgda", "cagrad", "nash_mtl", "gradvac", "imtl", "aligned_mtl", "db_mtl",
                  "metabalance"}
LOSS_BASED = {"ew", "static", "ple_decay", "uw", "dwa", "rlw", "famo"}
LEARNABLE = {"uw": {"s"}, "gradnorm": {"w"}, "imtl": {"s"}}


def test_registry_holds_every_strategy_module_once_with_its_paper():
    """Every module of mtl_core/weighting/ with an INFO is registered (a forgotten `_ORDER` entry fails here),
    under its module's name; EW, the reference every chart compares with, comes first."""
    import mtl_core.weighting as package

    modules = [importlib.import_module(f"{package.__name__}.{m.name}") for m in pkgutil.iter_modules(package.__path__)]
    defined = sorted(m.INFO.id for m in modules if hasattr(m, "INFO"))
    forgotten = set(defined) - set(WEIGHTINGS)
    assert not forgotten, f"add to _ORDER in mtl_core/weighting/__init__.py: {forgotten}"
    assert defined == sorted(WEIGHTINGS)  # each once
    assert list(WEIGHTINGS)[0] == "ew"
    for wid, info in WEIGHTINGS.items():
        assert info.id == wid == info.cls.__module__.rsplit(".", 1)[1]
        assert info.name and info.paper and info.cls.__doc__
        for p in info.params:
            assert p.parse(p.default) == p.default
    known = GRADIENT_BASED | LOSS_BASED
    assert {w for w in WEIGHTINGS if w in known and WEIGHTINGS[w].gradient_based} == GRADIENT_BASED & set(WEIGHTINGS)


@pytest.mark.parametrize("wid", list(WEIGHTINGS))
def test_runs_in_a_batch_equal_runs_alone(wid):
    """Run r of an R = 3 batch gives the same weights and gradients as that seed trained alone."""
    batched = train_toy(wid, [0, 1, 2])
    for r in range(3):
        assert_run_matches(batched, train_toy(wid, [r]), r, wid)


# -------------------------------------------------------------------------------------------------
PER_RUN = {"static": [{"weights": (1.0, 1.0, 1.0)}, {"weights": (1.0, 3.0, 0.5)}, {"weights": (3.0,)}],
           "ple_decay": [{"omega": (1.0,), "gamma": (0.9,)}, {"omega": (2.0, 1.0, 0.5), "gamma": (0.5,)},
                         {"omega": (1.0,), "gamma": (1.0, 0.8, 0.6)}],
           "gradnorm": [{"alpha": 0.0}, {"alpha": 1.5}, {"alpha": 3.0}],
           "dwa": [{"temperature": 0.1}, {"temperature": 2.0}, {"temperature": 20.0}],
           "cagrad": [{"c": 0.0}, {"c": 0.5}, {"c": 2.0}],
           "nash_mtl": [{"max_norm": 0.0}, {"max_norm": 0.05}, {"max_norm": 1.0}],
           "famo": [{"lr": 0.0, "gamma": 0.0}, {"lr": 0.025, "gamma": 0.001}, {"lr": 0.3, "gamma": 0.1}],
           "gradvac": [{"beta": 0.0}, {"beta": 0.5}, {"beta": 1.0}],
           "db_mtl": [{"beta": 0.0, "beta_sigma": 0.0}, {"beta": 0.5, "beta_sigma": 0.5},
                      {"beta": 0.9, "beta_sigma": 0.0}],
           "metabalance": [{"relax": 0.0, "beta": 0.0}, {"relax": 0.5, "beta": 0.5}, {"relax": 1.0, "beta": 0.9}]}


def spread(p) -> list:
    """Three valid values of a real-valued parameter for a strategy PER_RUN has no hand-picked values for:
    the lowest, the default and the highest in its range (±1 around the default where the range is open)."""
    d = p.default[0] if isinstance(p.default, tuple) else p.default
    values = [d - 1.0 if p.low is None else p.low, d, d + 1.0 if p.high is None else p.high]
    return [(v,) if p.kind == "floats" else v for v in values]


def per_run_sets(wid: str) -> list[dict]:
    if wid in PER_RUN:
        return PER_RUN[wid]
    params = [p for p in WEIGHTINGS[wid].params if p.per_run]
    return [{p.name: spread(p)[r] for p in params} for r in range(3)]


def test_per_run_parameters_are_the_numeric_ones():
    """Real-valued hyper-parameters may differ between the runs of one batch (each stored as an (R, ·) tensor);
    choices and integers (modes, intervals, indices) must agree."""
    for wid, info in WEIGHTINGS.items():
        for p in info.params:
            assert p.per_run == (p.kind in ("float", "floats")), f"{wid}.{p.name}"
    for wid, sets in PER_RUN.items():  # the hand-picked values cover exactly the per-run parameters
        assert set(sets[0]) == {p.name for p in WEIGHTINGS[wid].params if p.per_run}, wid


@pytest.mark.parametrize("wid", [w for w, info in WEIGHTINGS.items() if any(p.per_run for p in info.params)])
def test_per_run_values_in_a_batch_equal_runs_alone_with_those_values(wid):
    """A batch whose runs have different hyper-parameters: run r equals run r trained alone with its values."""
    sets = per_run_sets(wid)
def test_per_run_weights_tensor_shapes():
    w = build_weighting("static", tasks(2), [0, 1, 2], [{"weights": "1"}, {"weights": "1,3"}, {"weights": "3,1"}])
    assert torch.equal(w.w, torch.tensor([[1.0, 1.0], [1.0, 3.0], [3.0, 1.0]]))  # (R, T)
    assert build_weighting("cagrad", tasks(2), [0, 1], [{"c": 0.1}, {"c": 0.2}]).c.shape == (2, 1)  # (R, 1)
    assert build_weighting("dwa", tasks(2), [0, 1], {"temperature": 3.0}).temperature.shape == (2, 1)


def test_non_per_run_parameters_must_agree_across_runs():
    with pytest.raises(ConfigError, match="weighting.mode"):
        build_weighting("mgda", tasks(2), [0, 1], [{"mode": "rep"}, {"mode": "params"}])
    with pytest.raises(ConfigError, match="weighting.update_weights_every"):
        build_weighting("nash_mtl", tasks(2), [0, 1], [{"update_weights_every": 1}, {"update_weights_every": 2}])
    w = build_weighting("mgda", tasks(2), [0, 1], [{"mode": "params"}, {"mode": "params"}])  # equal: fine
    assert w.mode == "params"
    with pytest.raises(ConfigError, match="weighting"):  # neither one set nor one per run
        build_weighting("static", tasks(2), [0, 1, 2], [{"weights": "1"}, {"weights": "2"}])
    with pytest.raises(ConfigError, match="weighting.weights"):  # each run's values are checked
        build_weighting("static", tasks(2), [0, 1], [{"weights": "1"}, {"weights": "1,2,3"}])
    with pytest.raises(ConfigError, match="weighting.c"):
        build_weighting("cagrad", tasks(2), [0, 1], [{"c": 0.1}, {"c": -1}])


# -------------------------------------------------------------------------------------------------
def test_strategies_are_modules_with_run_shaped_parameters():
    for wid, info in WEIGHTINGS.items():
        w = build_weighting(wid, tasks(3), [0, 1])
        assert isinstance(w, torch.nn.Module) and w.to(torch.device("cpu")) is w
        assert w.device == torch.device("cpu")
        learnable = dict(w.named_parameters())
        if wid in GRADIENT_BASED | LOSS_BASED:
            assert LEARNABLE.get(wid, set()) == set(learnable), wid
        assert all(p.shape == (2, 3) and p.requires_grad for p in learnable.values())
        assert info.gradient_based == info.cls.needs_gradients
    assert set(build_weighting("uw", tasks(2), [0]).state_dict()) == {"s"}


def test_a_new_strategy_overrides_one_hook():
    """A loss-based strategy writes `weights`, a gradient-based one `combine`; the base does the rest."""
    class Halves(Weighting):
        """Every weight ½."""

        def weights(self, losses, ctx):
            return torch.full_like(losses.detach(), 0.5)

    class FirstTaskOnly(GradientWeighting):
        """The shared parameters follow task 0's gradient alone."""

        def combine(self, grads, losses, ctx):
            w = torch.zeros_like(losses)
            w[:, 0] = 1.0
            return grads[:, 0], w

    assert not Halves.needs_gradients and FirstTaskOnly.needs_gradients
    A = t64([[[1.0, 2.0], [3.0, -1.0]]])
    params, losses = linear_problem(A)
    w = Halves(tasks(2), [0]).backward(losses, ctx(params))
    assert torch.allclose(w, t64([[0.5, 0.5]])) and torch.allclose(params["shared"].grad, 0.5 * A.sum(1))
    assert torch.allclose(params["head"].grad, 0.5 * params["head"].detach())
    params, losses = linear_problem(A)
    w = FirstTaskOnly(tasks(2), [0]).backward(losses, ctx(params))
    assert torch.equal(params["shared"].grad, A[:, 0]) and torch.allclose(w, t64([[1.0, 0.0]]))
    assert torch.allclose(params["head"].grad, params["head"].detach())  # task-specific: own gradient


def on_parameters(wid: str) -> dict:
    """Gradients on the shared parameters where a strategy can also use the representation's (these problems
    have no representation)."""
    modes = [p for p in WEIGHTINGS[wid].params if p.name == "mode" and "params" in (p.choices or ())]
    return {"mode": "params"} if modes else {}


@pytest.mark.parametrize("wid", list(WEIGHTINGS))
def test_context_penalty_is_added_once_unweighted(wid):
    """ctx.penalty (R,) (e.g. a model's sparsity term) reaches shared and task-specific parameters alike."""
    A = t64([[[1.0, 2.0], [3.0, -1.0]], [[0.5, 1.0], [-1.0, 2.0]]])
    grads = []
    for with_penalty in (False, True):
        weighting = build_weighting(wid, tasks(2), [0, 1], on_parameters(wid))
        params, losses = linear_problem(A)
        c = ctx(params)
        if with_penalty:
            c.penalty = (params["shared"] * t64([2.0, -1.0])).sum(1) + 3 * params["head"].sum(1)  # (R,)
        weighting.backward(losses, c)
        grads.append((params["shared"].grad, params["head"].grad))
    (s0, h0), (s1, h1) = grads
    assert torch.allclose(s1 - s0, t64([[2.0, -1.0], [2.0, -1.0]]))
    assert torch.allclose(h1 - h0, torch.full_like(h0, 3.0))
