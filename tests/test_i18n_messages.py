"""Validation sentences in the page language: the library names an invalid value in English; the app shows it in
Chinese on a Chinese page, keeping the key and the echoed value as they were."""
from __future__ import annotations

import re

import pytest

from app.i18n.messages import localize
from app.sections.experiments import config as exp_config
from mtl_core.config import TRAIN_SPECS, from_flat_lenient
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError
from mtl_core.seeds import parse_seeds
from mtl_core.weighting import WEIGHTINGS

# words of the English frames and descriptions (not inside a key such as exp.seeds); none may be left in Chinese
ENGLISH = re.compile(r"(?<![\w.])(not allowed|expected|integer|number|comma-separated|one of|at most|using|instead|"
                     r"default|not a setting|seeds|among|each|values|true or false)(?![\w.])")


def every_param():
    for registry in (DATASETS, ARCHITECTURES, WEIGHTINGS):
        for entry in registry.values():
            yield from entry.params
    yield from TRAIN_SPECS.values()


def test_english_stays_as_it_is():
    sentence = "data.rho: '7' is not allowed; expected a number in [-1, 1] — using 0.5 instead"
    assert localize(sentence, "en") == sentence


def test_every_parameters_description_is_translated_and_the_value_kept():
    seen = set()
    for p in every_param():
        allowed = p.allowed()
        if allowed in seen:
            continue
        seen.add(allowed)
        sentence = str(ConfigError(f"x.{p.name}", "b@d", allowed))
        zh = localize(sentence, "zh")
        assert zh.startswith(f"x.{p.name}：'b@d' 不可用，应为"), zh
        assert not ENGLISH.search(zh), (sentence, zh)
    assert len(seen) > 10


def test_the_links_warnings_are_translated_with_their_keys_and_values():
    _, playground = from_flat_lenient({"data.rho": "7", "model.expert_units": "a,b", "weighting": "nope"})
    _, experiments = exp_config.load_query({"exp.seeds": "lots", "exp.archs": "mmoe,esmm", "exp.nope": "1",
                                            "exp.rhos": "0.5,2", "preset": "nope"})
    assert len(playground) == 3 and len(experiments) == 5
    for sentence in playground + experiments:
        zh = localize(sentence, "zh")
        assert zh != sentence and not ENGLISH.search(re.sub(r"'[^']*'", "", zh)), (sentence, zh)
        key = sentence.split(":")[0]
        assert zh.startswith(key + "："), zh
    unknown = next(w for w in experiments if w.startswith("'exp.nope'"))
    assert localize(unknown, "zh").startswith("'exp.nope'：不是实验页的设置；可用的有 exp.archs")
    with pytest.raises(ConfigError) as err:
        parse_seeds("0-lots", "exp.seeds", 500)
    assert localize(str(err.value), "zh").startswith("exp.seeds：'0-lots' 不可用，应为一个数量")


def test_a_sentence_of_another_shape_is_left_alone():
    for text in ("something went wrong", "x: 1 is not allowed; expected a prime"):
        zh = localize(text, "zh")
        assert zh == text or zh == "x：1 不可用，应为 a prime"
