"""The admission gate (mtl_core/admission.py, app/server/limits.py): costs estimated from the configuration
alone, for every dataset; each cap exceeded named with the setting, its value and the cap; the issue's
hostile links refused in classroom mode and on an open server; list parameters bounded in length."""
import pytest
import torch

from app import server
from app.server import Limits, open_limits, study_over_caps
from mtl_core import admission as A
from mtl_core.config import from_flat
from mtl_core.data import DATASETS
from mtl_core.models import build_model, count_parameters
from mtl_core.params import ConfigError

CLASSROOM = A.Caps.of(Limits())
OPEN = A.Caps.of(open_limits({}))


@pytest.mark.parametrize("data_id", sorted(DATASETS))
def test_every_dataset_gets_a_cost_from_its_registry_entry(data_id):
    cfg = from_flat({"data": data_id})
    cost = A.estimate(cfg, runs=6, batch=3)
    info = DATASETS[data_id]
    p = dict(cfg.data.params)
    assert cost.train_rows == info.train_size(p) > 0 and cost.rows >= cost.train_rows
    assert cost.batch_data_mb == pytest.approx(A.data_mb(data_id, p, runs=3)) and cost.batch_data_mb > cost.data_mb
    assert cost.study_sample_passes == 6 * cost.train_rows * cfg.train.epochs
    torch.manual_seed(0)
    real = count_parameters(build_model(cfg.model.id, info.spec(p), dict(cfg.model.params)))
    assert cost.params == real  # counted on the meta device, equal to a real build
    assert cost.memory_mb > cost.batch_data_mb + cost.model_mb - 1e-9


def test_the_estimate_allocates_nothing_for_a_huge_model():
    import resource

    cfg = from_flat({"data": "funnel", "model": "esmm", "data.n_users": 1_000_000, "data.n_items": 1_000_000})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cost = A.estimate(cfg, runs=10)
    assert cost.params > 10_000_000  # 1M-ID tables
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KB: no tables were built


def test_check_names_the_setting_its_value_and_the_cap():
    cost = A.estimate(from_flat({"data.n_train": 1_000_000, "train.snapshots_per_epoch": 50}), runs=300, batch=10)
    msgs = A.check(cost, CLASSROOM)
    text = "\n".join(msgs)
    assert "data.n_train" in text and "train.epochs" in text and "train.snapshots_per_epoch is 50; the cap is 20" in text
    assert "300 runs; the cap is 200" in text
    assert A.check(A.estimate(from_flat({}), 50, 10), CLASSROOM) == []
    assert A.check(cost, A.Caps()) == []  # no caps, nothing refused


def test_caps_are_overridable_from_the_environment():
    caps = A.cli_caps({"MTL_CLI_MAX_MEMORY_MB": "100", "MTL_CLI_MAX_STUDY_RUNS": "none"})
    assert caps.max_memory_mb == 100.0 and caps.max_study_runs is None
    assert A.cli_check(from_flat({}), runs=1, caps=caps) == []
    assert any("memory" in m for m in A.cli_check(from_flat({"data.n_train": 400_000}), 1, caps=caps))


@pytest.mark.parametrize("name, flat, runs, batch", [
    # the issue's links: Funnel explorer (3 models x 10 seeds), balancing lab, an Experiments sweep
    ("funnel", {"data": "funnel", "model": "esmm", "data.n_impressions": 2_000_000, "data.n_users": 1_000_000,
                "data.n_items": 1_000_000, "train.epochs": 1000}, 30, 10),
    ("balance", {"data.n_train": 1_000_000, "train.epochs": 1000}, 8 * 6, 8),
    ("experiments", {"data.n_train": 1_000_000, "train.epochs": 1000}, 200, 10),
])
def test_the_issue_links_are_refused_in_classroom_mode_and_on_an_open_server(name, flat, runs, batch):
    cost = A.estimate(from_flat(flat), runs, batch)
    assert A.check(cost, CLASSROOM), name
    assert A.check(cost, OPEN), name  # the open server's generous default still holds them back


def test_the_cli_default_lets_a_big_but_sane_run_through_and_stops_a_machine_killer():
    assert A.cli_check(from_flat({"data.n_train": 1_000_000, "data.d": 1000})) == []  # ~4 GB of float32 data
    assert A.cli_check(from_flat({"data.n_train": 1_000_000, "data.d": 1000}), runs=10, batch=10)


def test_a_list_parameter_longer_than_its_bound_is_refused_before_conversion():
    with pytest.raises(ConfigError, match=r"model\.expert_units.*at most 8 values"):
        from_flat({"model.expert_units": ",".join(["1"] * 2000)})
    with pytest.raises(ConfigError, match="at most 8 values"):
        from_flat({"model.expert_units": "1," * 10_000_000})  # 20 MB of text: refused after 9 splits
    assert from_flat({"model.expert_units": "4,4,4,4,4,4,4,4"}).model.params["expert_units"] == (4,) * 8


def test_the_server_words_the_caps_in_the_page_language_with_the_variable():
    from app.i18n import translator

    msgs = study_over_caps(from_flat({"data.n_train": 1_000_000}), 50, 10, Limits(), tr=translator("zh"))
    assert msgs and all("MTL_MAX_" in m for m in msgs)
    open_msgs = study_over_caps(from_flat({"data.n_train": 1_000_000}), 200, 10, open_limits({}))
    assert any("MTL_OPEN_MAX_MEMORY_MB" in m for m in open_msgs)
    assert server.active_limits() is (server.LIMITS if server.CLASSROOM else server.OPEN_LIMITS)


def test_a_job_over_the_caps_is_refused_when_it_first_shows_in_any_mode():
    from app.server import Registry, refusal
    from app.ui.jobs import run_job

    job = run_job(from_flat({"data.n_train": 1_000_000, "data.d": 1000}))
    assert job.cost is not None and job.last is None  # nothing built yet
    msg = refusal(job, "s", classroom=False, limits=open_limits({}), registry=Registry())
    assert msg and "MTL_OPEN_MAX_DATA_MB" in msg
    small = run_job(from_flat({}))
    assert refusal(small, "s", classroom=False, limits=open_limits({}), registry=Registry()) is None
    job.stop()
    small.stop()
