"""Experiments: studies built on the training engine and the records (one module each).

claims       verdicts on the MMoE paper's synthetic-data claims from a results table
correlation  label correlation vs task correlation ρ (MMoE paper, Fig. 2)
gates        Jensen–Shannon distance between tasks' gates
funnel       CVR models on the click → conversion funnel, scored against the true probabilities
"""
