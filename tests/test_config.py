"""Config validation: one path, clear errors naming the field, lossless round trips."""
import json

import pytest

from mtl_core.config import (ExperimentConfig, ModelConfig, default_config, from_flat, from_flat_lenient,
                             from_json, validate)
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError, Param
from mtl_core.weighting import WEIGHTINGS


def test_defaults_are_the_mmoe_paper_setup():
    cfg = default_config()
    assert cfg.data.id == "synthetic" and cfg.data.params["d"] == 100
    assert cfg.model.id == "mmoe" and cfg.model.params["n_experts"] == 8
    assert cfg.model.params["expert_units"] == (16,) and cfg.model.params["tower_units"] == (8,)


@pytest.mark.parametrize("flat, field", [
    ({"data.rho": "1.5"}, "data.rho"),
    ({"data.rho": "abc"}, "data.rho"),
    ({"model.n_experts": "0"}, "model.n_experts"),
    ({"model.n_experts": "2.5"}, "model.n_experts"),
    ({"model.expert_units": "16,x"}, "model.expert_units"),
    ({"train.lr": "-1"}, "train.lr"),
    ({"train.lr": "nan"}, "train.lr"),
    ({"train.optimizer": "rmsprop"}, "train.optimizer"),
    ({"train.baseline": "maybe"}, "train.baseline"),
    ({"model": "transformer"}, "model"),
    ({"data": "imagenet"}, "data"),
    ({"weighting": "magic"}, "weighting"),
    ({"model.no_such_knob": "1"}, "model.no_such_knob"),
    ({"train.no_such": "1"}, "train.no_such"),
    ({"bogus": "1"}, "bogus"),
])
def test_invalid_values_raise_naming_the_field(flat, field):
    with pytest.raises(ConfigError) as err:
        from_flat(flat)
    assert err.value.field == field
    assert field in str(err.value)
    assert "expected" in str(err.value)


def test_range_is_stated_in_the_message():
    with pytest.raises(ConfigError, match=r"\[-1, 1\]"):
        from_flat({"data.rho": "2"})


def test_flat_round_trip_for_every_registered_component():
    for data_id, info in DATASETS.items():
        spec = info.spec({p.name: p.default for p in info.params})
        for arch_id, arch in ARCHITECTURES.items():
            if arch.supports(spec):
                continue
            for wid in WEIGHTINGS:
                cfg = from_flat({"data": data_id, "model": arch_id, "weighting": wid})
                assert from_flat(cfg.to_flat()) == cfg
                assert from_json(cfg.to_json()) == cfg
                assert all(isinstance(v, str) for v in cfg.to_flat().values())


def test_with_changes_and_values_keep_types():
    cfg = default_config().with_changes(**{"data.rho": "0.9", "model.expert_units": "32,16"})
    assert cfg.data.params["rho"] == 0.9
    assert cfg.model.params["expert_units"] == (32, 16)


def test_config_is_frozen():
    cfg = default_config()
    with pytest.raises(Exception):
        cfg.train.lr = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        cfg.data.params["rho"] = 0.1  # type: ignore[index]


def test_incompatible_combination_is_refused_with_a_reason():
    funnel_only = [a for a, info in ARCHITECTURES.items()
                   if info.supports(DATASETS["synthetic"].spec({p.name: p.default for p in DATASETS["synthetic"].params}))]
    for arch in funnel_only:  # e.g. ESMM on regression tasks
        with pytest.raises(ConfigError) as err:
            validate(ExperimentConfig(model=ModelConfig(arch)))
        assert err.value.field == "model" and "needs" in str(err.value)


def test_lenient_parsing_falls_back_and_names_each_bad_parameter():
    cfg, warnings = from_flat_lenient({"data.rho": "7", "model": "nope", "train.lr": "0.01",
                                       "train.epochs": "-3"})
    assert cfg.data.params["rho"] == 0.5 and cfg.model.id == "mmoe"
    assert cfg.train.lr == 0.01 and cfg.train.epochs == 20
    text = " ".join(warnings)
    for key in ("data.rho", "model", "train.epochs"):
        assert key in text
    assert len(warnings) == 3


def test_lenient_parsing_of_clean_input_has_no_warnings():
    cfg, warnings = from_flat_lenient(default_config(**{"data.rho": "0.25"}).to_flat())
    assert warnings == [] and cfg.data.params["rho"] == 0.25


def test_json_errors_are_config_errors():
    with pytest.raises(ConfigError):
        from_json("{not json")
    with pytest.raises(ConfigError):
        from_json(json.dumps({"data": {"id": "synthetic"}, "extra": 1}))


def test_param_parsing_known_answers():
    p = Param("x", 3, low=1, high=5)
    assert p.parse("4") == 4 and p.parse(4.0) == 4
    for bad in ("0", "6", "3.5", "", "true", True):
        with pytest.raises(ConfigError):
            p.parse(bad)
    lst = Param("u", (16,), kind="ints", low=1)
    assert lst.parse("32, 16") == (32, 16) and lst.format((32, 16)) == "32,16"
    b = Param("b", False)
    assert b.parse("on") is True and b.parse("0") is False
