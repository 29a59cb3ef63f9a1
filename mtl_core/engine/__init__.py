"""The pieces the training loop (`mtl_core.train`) is made of, each in its own file:

runs.py       RunSpec and per-run configurations (what may differ between the runs of one batch)
data.py       StackedSplit: a split for R runs, every tensor with a leading run axis
stacked.py    StackedRuns: one architecture trained as R stacked runs (parameters, forward, step)
optim.py      the optimiser table, with per-run learning rates
evaluate.py   metrics of a split, collapse detection, predictions
snapshot.py   Snapshot: the state of training at one moment
"""
