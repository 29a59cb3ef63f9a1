"""The balancing lab: provoke a training problem of MTL (losses on different scales, conflicting gradients,
tasks learning at different speeds, the seesaw) and watch each loss-weighting strategy cure it or not."""
SECTION = "balance"
