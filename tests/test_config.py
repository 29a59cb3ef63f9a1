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


# ---- conditional parameters and defaults in one place -------------------------------------------------
def test_inactive_parameters_are_left_out_and_refused_when_set():
    from mtl_core.config import default_config, from_flat
    from mtl_core.params import ConfigError

    cfg = default_config(**{"data": "funnel", "model": "esmm", "model.backbone": "mmoe", "model.n_experts": 4})
    flat = cfg.to_flat()
    assert flat["model.n_experts"] == "4" and "model.n_levels" not in flat and "model.bottom_units" not in flat
    assert from_flat(flat) == cfg
    with pytest.raises(ConfigError, match="only used when backbone is"):
        default_config(**{"data": "funnel", "model": "esmm", "model.n_experts": 4})  # shared-bottom backbone
    ple = default_config(**{"data": "funnel", "model": "esmm", "model.backbone": "ple", "model.task_experts": "1,3"})
    assert ple.model.params["task_experts"] == (1, 3)
    assert "model.n_experts" not in ple.to_flat() and "model.shared_experts" in ple.to_flat()
    assert "n_experts" not in ple.to_dict()["model"]


def test_esmm_backbone_comes_from_the_registry_with_its_own_parameters():
    from mtl_core.models import ARCHITECTURES, build_model
    from mtl_core.data import DATASETS

    choices = ARCHITECTURES["esmm"].params[0].choices
    assert set(choices) == {a for a, info in ARCHITECTURES.items() if info.backbone}
    spec = DATASETS["funnel"].spec({p.name: p.default for p in DATASETS["funnel"].params})
    m = build_model("esmm", spec, {"backbone": "ple", "n_levels": 1, "shared_experts": 3, "task_experts": (2,)})
    assert type(m.backbone).__name__ == "PLE" and m.backbone.levels[0].shared_experts.n_experts == 3
    with pytest.raises(ConfigError):
        build_model("esmm", spec, {"backbone": "no_such_model"})


def test_a_lenient_url_drops_an_inactive_parameter_with_a_warning():
    from mtl_core.config import from_flat_lenient

    cfg, warnings = from_flat_lenient({"data": "funnel", "model": "esmm", "model.n_experts": "4"})
    assert cfg.model.id == "esmm" and len(warnings) == 1 and "model.n_experts" in warnings[0]


def test_messages_echo_only_a_prefix_of_a_long_bad_value():
    from mtl_core.config import from_flat_lenient

    _, warnings = from_flat_lenient({"data.rho": "9" * 5000})
    assert len(warnings) == 1 and len(warnings[0]) < 300


def test_train_defaults_live_in_the_param_specs():
    from mtl_core.config import TRAIN_PARAMS, TrainConfig

    t = TrainConfig()
    assert all(getattr(t, p.name) == p.default for p in TRAIN_PARAMS)


def test_model_constructors_have_no_default_hyper_parameters():
    import inspect

    from mtl_core.models import ARCHITECTURES

    for arch, info in ARCHITECTURES.items():
        sig = inspect.signature(info.cls.__init__)
        with_defaults = [n for n, p in sig.parameters.items() if p.default is not inspect.Parameter.empty]
        assert not with_defaults, (arch, with_defaults)


# ---- validated once ---------------------------------------------------------------------------------------
def _count_parsing(monkeypatch) -> dict:
    """Count Param.parse and resolve_params calls everywhere in the library."""
    from mtl_core import config as config_module, models, params, weighting
    counts = {"parse": 0, "resolve": 0}
    real_parse, real_resolve = params.Param.parse, params.resolve_params

    def parse(self, value, field=None):
        counts["parse"] += 1
        return real_parse(self, value, field)

    def resolve(*args, **kwargs):
        counts["resolve"] += 1
        return real_resolve(*args, **kwargs)
    monkeypatch.setattr(params.Param, "parse", parse)
    for module in (config_module, models, weighting):
        monkeypatch.setattr(module, "resolve_params", resolve)
    return counts


def test_a_config_is_validated_where_it_enters_and_carried_typed(monkeypatch):
    from mtl_core.train import RunSpec, Trainer
    counts = _count_parsing(monkeypatch)
    cfg = from_flat({"model": "mmoe", "model.n_experts": "4", "data.n_train": "300", "data.n_val": "100",
                     "data.n_test": "100", "train.epochs": "1"})
    assert cfg.model.params["n_experts"] == 4 and counts["resolve"] == 3  # data, model, weighting: once each
    counts.update(parse=0, resolve=0)
    trainer = Trainer(cfg, [RunSpec(0), RunSpec(1), RunSpec(2)])
    assert counts["resolve"] == 0  # neither the trainer nor the model or weighting builders parse again
    assert counts["parse"] == 3  # each run's seed, nothing else
    assert [c.train.seed for c in trainer.configs] == [0, 1, 2]
    assert all(c.model.params is cfg.model.params for c in trainer.configs)  # carried, not rebuilt


def test_changes_to_a_checked_config_are_still_checked():
    from mtl_core.config import is_checked
    cfg = from_flat({"model": "mmoe"})
    assert is_checked(cfg) and validate(cfg) is cfg
    with pytest.raises(ConfigError, match="model.n_experts"):
        cfg.with_changes(**{"model.n_experts": 0})
    with pytest.raises(ConfigError, match="train.lr"):
        cfg.with_changes(**{"train.lr": -1})
    with pytest.raises(ConfigError, match="train.nope"):
        cfg.with_changes(**{"train.nope": 1})
    changed = cfg.with_changes(**{"train.lr": "0.01", "train.seed": 3})
    assert is_checked(changed) and changed.train.lr == 0.01 and changed.train.seed == 3
    assert changed == from_flat({**cfg.to_flat(), "train.lr": "0.01", "train.seed": "3"})
    # a config assembled by hand is not trusted: validate parses it
    raw = ExperimentConfig(model=ModelConfig("mmoe", {"n_experts": "5"}))
    assert not is_checked(raw) and validate(raw).model.params["n_experts"] == 5
    with pytest.raises(ConfigError):
        validate(ExperimentConfig(model=ModelConfig("mmoe", {"n_experts": 0})))


def test_typed_flat_is_to_flat_without_the_text():
    cfg = from_flat({"model": "mmoe", "model.expert_units": "32,16", "data.rho": "0.25"})
    typed, text = cfg.typed_flat(), cfg.to_flat()
    assert typed.keys() == text.keys()
    assert typed["model.expert_units"] == (32, 16) and text["model.expert_units"] == "32,16"
    assert typed["data.rho"] == 0.25 and from_flat(typed) == from_flat(text) == cfg
