"""The one seed parser: sizes are checked from the two ends before any list is built."""
import tracemalloc

import pytest

from mtl_core.params import ConfigError
from mtl_core.seeds import MAX_SEED, parse_seeds, seed_span


@pytest.mark.parametrize("text,expected", [("3", [0, 1, 2]), ("100-102", [100, 101, 102]), (" 5-5 ", [5])])
def test_counts_and_ranges(text, expected):
    assert parse_seeds(text) == expected


@pytest.mark.parametrize("text", ["0", "-3", "5-2", "a", "1-b", "", "1.5", "²", "0-40000000",
                                  "999999999999999999999999999999", "1-" + "9" * 400, f"{MAX_SEED}-{MAX_SEED + 1}"])
def test_bad_text_names_the_field(text):
    with pytest.raises(ConfigError) as err:
        parse_seeds(text, "exp.seeds", most=200)
    assert "exp.seeds" in str(err.value) and "200" in str(err.value)


def test_a_huge_range_is_refused_without_allocating_it():
    tracemalloc.start()
    with pytest.raises(ConfigError):
        parse_seeds("0-1000000000", most=10_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000


def test_span_matches_the_list():
    assert seed_span("7-9") == (7, 9) and seed_span("4") == (0, 3)
