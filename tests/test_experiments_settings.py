"""The Experiments page's settings without a browser: typed in one memory, parsed once from a link by their
fields and written back the same; a bad value named with what is allowed; what cannot train named per study."""
from __future__ import annotations

import pytest

from app.sections.experiments import config as C


def typed(**values) -> dict:
    """Settings by name -> the memory's slots."""
    return {C.slot(name): value for name, value in values.items()}


def test_study_settings_round_trip_through_the_address():
    mem = C.default_mem()
    mem.update(typed(archs=("mmoe", "cgc"), rhos=(0.0, 0.5, 1.0), seeds=tuple(range(100, 120)), c=1.5,
                     weighting="uw", diff_knob="noise", diff_values=(0.01, 0.5), gate_seeds=(0, 1, 2, 3), tab="gates",
                     lc_mode="fixed"))
    query = C.to_query(mem)
    assert query["exp.seeds"] == "100-119" and query["exp.archs"] == "mmoe,cgc" and query["exp.rhos"] == "0,0.5,1"
    back, warnings = C.load_query(query)
    assert warnings == [] and back == mem
    study = C.study_of(back)
    assert not study.errors
    grid = C.sweep_grid(study)
    assert grid.axes == {"model": ["mmoe", "cgc"], "data.rho": [0.0, 0.5, 1.0]} and grid.seeds == list(range(100, 120))
    assert grid.cfg.data.params["c"] == 1.5 and grid.cfg.weighting.id == "uw"
    assert study.grids["sweep"].key() == grid.key()  # the study built it once
    diff = C.difficulty_grid(study)
    assert diff.axes["data.noise"] == [0.01, 0.5] and diff.n_runs == 3 * 2 * 2 * 6


def test_a_link_is_parsed_once_into_typed_values(conversions):
    link = {"exp.seeds": "100-119", "exp.c": "1.5", "exp.epochs": "3", "exp.lr": "0.01", "exp.rhos": "0,0.5,1",
            "exp.diff_knob": "c", "exp.diff_values": "0.5,2"}
    mem, warnings = C.load_query(link)
    assert warnings == []
    parses = {key[1]: n for key, n in conversions.items() if key[0] == "parse" and key[2] == "str"}
    assert parses == {"c": 1 + 2, "epochs": 1, "lr": 1, "rho": 3}  # every value once (diff_values by c's spec)
    assert mem[C.slot("seeds")] == tuple(range(100, 120)) and mem[C.slot("c")] == 1.5
    assert mem[C.slot("epochs")] == 3 and mem[C.slot("diff_values")] == (0.5, 2.0)
    conversions.clear()
    C.study_of(mem)  # the studies use the typed values: no text parsed again
    assert not [key for key in conversions if key[0] == "parse" and key[2] == "str"]


def test_a_bad_link_is_named_value_by_value_and_keeps_the_preset():
    mem, warnings = C.load_query({"exp.rhos": "0.5,2", "exp.archs": "mmoe,esmm", "exp.seeds": "lots",
                                  "exp.nope": "1", "exp.c": "-3", "preset": "census_full"})
    text = "\n".join(warnings)
    for key in ("exp.rhos", "exp.archs", "exp.seeds", "'exp.nope'", "exp.c"):
        assert key in text
    assert "esmm" in text and "at least one" in text
    assert mem[C.slot("rhos")] == (0.5, 0.9, 1.0) and mem[C.slot("archs")] == ("shared_bottom", "omoe", "mmoe")
    assert mem[C.slot("c")] == 2.0 and C.to_query(mem)["exp.rhos"] == "0.5,0.9,1"
    assert mem[C.slot("census")] == "census_full" and mem[C.slot("tab")] == "census"  # a census preset: its view
    full, w = C.load_query({"preset": "mmoe_paper_full"})
    assert not w and C.sweep_grid(C.study_of(full)).n_runs == 1800


def test_a_difficulty_knob_brings_its_values_and_checks_the_links_by_its_own_range():
    mem, warnings = C.load_query({"exp.diff_knob": "c"})
    assert not warnings and mem[C.slot("diff_values")] == C.DIFF_DEFAULT_VALUES["c"]
    mem, warnings = C.load_query({"exp.diff_knob": "c", "exp.diff_values": "0,1"})  # c must be >= 0.01
    assert len(warnings) == 1 and "exp.diff_values" in warnings[0] and "0.5,1,2,3" in warnings[0]
    assert mem[C.slot("diff_values")] == C.DIFF_DEFAULT_VALUES["c"]
    mem, _ = C.load_query({"exp.diff_knob": "m", "exp.diff_values": "20,3"})
    assert mem[C.slot("diff_values")] == (3, 20)


def test_study_of_names_what_cannot_train():
    mem = C.default_mem()
    mem.update(typed(seeds=tuple(range(500))))  # 3 x 3 x 500 = 4,500 runs
    study = C.study_of(mem)
    assert "4,500 runs" in study.errors["sweep"][0] and "command line" in study.errors["sweep"][0]
    assert "sweep" not in study.grids and "gates" in study.grids
    # a control holding an invalid value: named under every study that uses it, and only those
    study = C.study_of(C.default_mem(), {"diff_values": "exp.diff_values: 0 is not allowed", "epochs": "exp.epochs: x"})
    assert study.errors["difficulty"][0].startswith("exp.diff_values") and "exp.epochs: x" in study.errors["sweep"]
    assert "correlation" not in study.errors and "difficulty" not in study.grids
    assert C.parse_seeds("3") == (0, 1, 2) and C.parse_seeds("5-6") == (5, 6)
    with pytest.raises(ValueError, match="exp.seeds"):
        C.parse_seeds("9-1")
