"""Experiments: the MMoE paper's studies on synthetic data (label correlation, correlation sweep,
trainability, gate separation, difficulty) with claim verdicts, and its real benchmark, Census-Income."""
SECTION = "experiments"
