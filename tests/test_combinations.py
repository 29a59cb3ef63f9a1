"""Every architecture x every weighting trains on every dataset it supports (tiny sizes, one epoch)."""
import numpy as np
import pytest

from mtl_core.config import default_config
from mtl_core.data import DATASETS, census
from mtl_core.models import ARCHITECTURES, build_model
from mtl_core.train import train
from mtl_core.weighting import WEIGHTINGS

TINY = {"synthetic": {"data.n_train": 256, "data.n_val": 100, "data.n_test": 100},
        "funnel": {"data.n_impressions": 3000},
        "census": {"data.n_train": 500, "data.n_eval": 200},
        "feed": {"data.n_impressions": 1500, "data.n_users": 100, "data.n_items": 100}}


def supported(arch: str) -> list[str]:
    return [d for d, info in DATASETS.items()
            if ARCHITECTURES[arch].supports(info.spec({p.name: p.default for p in info.params})) is None]


COMBOS = [(d, a, w) for a in ARCHITECTURES for d in supported(a) for w in WEIGHTINGS]


def test_every_architecture_has_a_dataset():
    assert all(supported(a) for a in ARCHITECTURES)


@pytest.mark.parametrize("data, arch, wid", COMBOS)
def test_trains_and_reports(data, arch, wid):
    if data == "census" and not census.is_available():
        pytest.skip("the Census-Income cache is missing (python -m mtl_core data fetch census); "
                    "tests/test_census.py trains on a tiny raw file instead")
    cfg = default_config(**{"data": data, "model": arch, "weighting": wid, "train.epochs": 1,
                            "train.batch_size": 64, "train.snapshots_per_epoch": 1}, **TINY[data])
    snaps = list(train(cfg))
    last = snaps[-1]
    assert last.done and np.isfinite(last.val_loss).all() and np.isfinite(last.train_loss).all()
    assert np.isfinite(last.weights).all()
    assert WEIGHTINGS[wid].cls.signed_weights or (last.weights >= 0).all()  # Aligned-MTL's may be < 0
    sums_to_one = {g.name: g.sums_to_one for g in build_model(arch, DATASETS[data].spec(cfg.data.params), cfg.model.params).structure().gates}
    for g, w in last.gates.items():
        if sums_to_one[g]:
            assert abs(w.sum() - 1) < 1e-4, g
    # parameters moved: the validation loss changed from its value at initialisation
    assert not np.array_equal(snaps[0].val_loss, last.val_loss)
