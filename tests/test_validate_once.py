"""Validated once: every value of a link, file or widget is parsed where it enters and carried typed; a
checked config's values are never turned back into text and parsed again on the way to a run."""
from __future__ import annotations

import collections

import pytest

from mtl_core.config import from_flat, from_flat_lenient, is_checked
from mtl_core.params import ConfigError


def total(counts: collections.Counter, what: str, name: str | None = None) -> int:
    return sum(n for (w, spec, _), n in counts.items() if w == what and (name is None or spec == name))


LINK = {"model": "mmoe", "model.n_experts": "4", "data.rho": "0.25", "train.epochs": "3", "train.lr": "0.01"}


def test_each_value_of_a_link_is_parsed_once_and_nothing_is_formatted(conversions):
    cfg, warnings = from_flat_lenient(LINK)
    assert not warnings and cfg.model.params["n_experts"] == 4 and cfg.data.params["rho"] == 0.25
    assert total(conversions, "parse") == len(LINK) - 1  # every value but the model's id
    assert total(conversions, "parse", "n_experts") == 1 and total(conversions, "format") == 0


def test_invalid_values_are_named_and_the_valid_ones_still_parsed_only_once(conversions):
    link = {**LINK, "data.rho": "7", "train.epochs": "-3", "weighting": "nope", "model.nope": "1"}
    cfg, warnings = from_flat_lenient(link)
    text = " ".join(warnings)
    for key in ("data.rho", "train.epochs", "weighting", "model.nope"):
        assert key in text
    assert len(warnings) == 4 and cfg.data.params["rho"] == 0.5 and cfg.train.epochs == 20
    assert cfg.model.params["n_experts"] == 4 and cfg.train.lr == 0.01 and cfg.weighting.id == "ew"
    assert all(n == 1 for n in conversions.values()), conversions


def test_an_inactive_value_and_an_impossible_combination_fall_back_without_parsing_again(conversions):
    cfg, warnings = from_flat_lenient({"data": "funnel", "model": "esmm", "model.n_experts": "4",
                                       "train.epochs": "2"})
    assert cfg.model.id == "esmm" and len(warnings) == 1 and "model.n_experts" in warnings[0]
    assert total(conversions, "parse", "epochs") == 1
    conversions.clear()
    cfg, warnings = from_flat_lenient({"model": "esmm", "train.epochs": "2"})  # ESMM needs the funnel's tasks
    assert cfg.model.id == "mmoe" and len(warnings) == 1 and "'model'" in warnings[0]
    assert total(conversions, "parse", "epochs") == 1


def test_values_a_checked_base_holds_are_carried_on_and_only_the_others_parsed(conversions):
    base = from_flat(LINK)
    conversions.clear()
    flat = {**base.typed_flat(), "model.n_experts": 6}
    cfg = from_flat(flat, base=base)
    assert is_checked(cfg) and cfg.model.params["n_experts"] == 6 and cfg.train.lr == 0.01
    assert total(conversions, "parse") == 1 and total(conversions, "parse", "n_experts") == 1
    conversions.clear()
    assert from_flat(base.typed_flat(), base=base) == base and total(conversions, "parse") == 0
    # the same name under another id, or the same value as text, is not the checked value
    other = from_flat({**base.typed_flat(), "model": "omoe"}, base=base)
    assert other.model.params["n_experts"] == 4 and total(conversions, "parse", "n_experts") == 1
    assert from_flat({**base.typed_flat(), "model.n_experts": "4"}, base=base) == base
    assert total(conversions, "parse", "n_experts") == 2
    with pytest.raises(ConfigError, match="model.n_experts"):
        from_flat({**base.typed_flat(), "model.n_experts": 0}, base=base)


def test_with_changes_parses_only_what_changed(conversions):
    base = from_flat(LINK)
    conversions.clear()
    changed = base.with_changes(**{"data.rho": 0.75})
    assert changed.data.params["rho"] == 0.75 and changed.model.params["n_experts"] == 4
    assert total(conversions, "parse") == 1 and total(conversions, "format") == 0
