"""Shared test fixtures."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def benchmark_script():
    """Load a script of benchmarks/ (scripts, not a package) as a module: benchmark_script("load")."""
    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"mtl_benchmark_{name}", BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return load
