"""The Playground's "Repeat over seeds" panel: a batched study as one job, its figure and table, and
results.csv files from the CLI loaded into the page (with clear messages for files it cannot read)."""
import io
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from app.figures.study import study_figure, summary_table, with_variants
from app.sections.playground.study import parse_values, plan
from mtl_core.config import from_flat
from mtl_core.grid import run_grid
from mtl_core.params import ConfigError
from mtl_core.records import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "main.py")
TINY = {"data.n_train": 300, "data.n_val": 100, "data.n_test": 100, "train.epochs": 1}


def K(name: str) -> str:
    return f"playground.study_{name}"


def results(arches=("mmoe",), rhos=(0.5, 1.0), seeds=3, diverged=()) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for arch in arches:
        for rho in rhos:
            for seed in range(seeds):
                for task in ("task1", "task2"):
                    bad = (arch, rho, seed) in diverged
                    rows.append(dict(schema_version=SCHEMA_VERSION, data="synthetic", arch=arch, weighting="ew",
                                     seed=seed, relatedness_param="rho", relatedness=rho, **{"data.rho": str(rho)},
                                     task=task, task_kind="regression", val_loss=np.nan if bad else rng.random(),
                                     val_auc=np.nan, status="diverged" if bad else "ok", collapsed=False))
    return pd.DataFrame(rows)


# ---- pure pieces -----------------------------------------------------------------------------------------
def test_relatedness_values_are_parsed_by_the_dataset_spec():
    cfg = from_flat(TINY)
    assert parse_values("0, 0.5, 0.5 ,1", cfg) == [0.0, 0.5, 1.0]
    assert parse_values("", cfg) == []
    with pytest.raises(ConfigError, match="data.rho"):
        parse_values("0.5, 7", cfg)
    axes, seeds = plan(cfg, 4, [0.5, 1.0])
    assert axes == {"data.rho": [0.5, 1.0]} and seeds == [0, 1, 2, 3]
    assert plan(from_flat({**TINY, "train.seed": 7}), 2, [])[1] == [7, 8]


def test_study_figure_mean_band_and_every_run_as_a_dot():
    df = results()
    fig = study_figure(df)
    assert isinstance(fig, go.Figure)
    bands = [t for t in fig.data if t.fill == "toself"]
    dots = [t for t in fig.data if t.mode == "markers"]
    means = [t for t in fig.data if t.mode == "lines+markers"]
    assert len(bands) == len(dots) == len(means) == 2  # one of each per task panel
    assert sum(len(t.x) for t in dots) == len(df)  # every run of every task is a dot
    task1 = df[(df.task == "task1")].groupby("relatedness").val_loss
    np.testing.assert_allclose(means[0].y, task1.mean().to_numpy())
    np.testing.assert_allclose(means[0].customdata[:, 0], task1.std().to_numpy())
    assert "relatedness" in fig.layout.xaxis.title.text and "validation loss" in fig.layout.yaxis.title.text
    assert fig.layout.template.layout.font.size  # the house template


def test_diverged_runs_are_counted_not_averaged_and_variants_get_a_legend():
    df = results(arches=("mmoe", "shared_bottom"), diverged={("mmoe", 0.5, 0)})
    table = summary_table(with_variants(df, {"mmoe": "MMoE", "shared_bottom": "Shared-Bottom"}))
    assert set(table["setup"]) == {"MMoE", "Shared-Bottom"}
    row = table[(table["setup"] == "MMoE") & (table["rho"] == "0.5") & (table["task"] == "task1")].iloc[0]
    assert row["runs"] == 2 and row["diverged"] == 1 and "±" in row["val loss (mean ± sd)"]
    fig = study_figure(with_variants(df))
    assert {t.name for t in fig.data if t.showlegend} == {"mmoe", "shared_bottom"}


def test_one_setting_only_shows_error_bars():
    fig = study_figure(results(rhos=(0.5,)))
    means = [t for t in fig.data if t.mode == "lines+markers"]
    assert means and all(t.error_y.visible for t in means)
    assert not [t for t in fig.data if t.fill == "toself"]


# ---- in the page ---------------------------------------------------------------------------------------------
def playground(**query) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=120)
    at.query_params.update({k: str(v) for k, v in {**TINY, **query}.items()})
    return at.run()


def test_run_a_study_in_the_page():
    at = playground()
    at.number_input(key=K("seeds")).set_value(2)
    at.text_input(key=K("values")).set_value("0.5, 1").run()
    assert "4 runs" in "\n".join(c.value for c in at.caption)
    at.button(key=K("run")).click().run()
    state = at.session_state["section:playground"]["study"]
    for _ in range(60):
        if not state["job"].active:
            break
        at.run()
    job = state["job"]
    assert not at.exception and job.status == "finished" and job.runs_done == 4
    assert len(job.rows) == 4 * 2
    assert any(d.label == "results.csv" for d in at.get("download_button"))
    assert any("0.5" in str(df.value) for df in at.dataframe)


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory) -> bytes:
    df = run_grid(from_flat(TINY), {"data.rho": [0.5, 1.0]}, seeds=range(2))
    path = tmp_path_factory.mktemp("sweep") / "results.csv"
    df.to_csv(path, index=False)
    return path.read_bytes()


def upload(content: bytes, name: str = "results.csv") -> AppTest:
    at = playground()
    at.file_uploader(key=K("upload")).set_value((name, content, "text/csv")).run()
    return at


def test_a_results_csv_from_the_cli_loads_into_the_page(cli_results):
    at = upload(cli_results)
    assert not at.exception and not at.error
    assert "Loaded results.csv" in "\n".join(s.value for s in at.success)
    assert at.get("plotly_chart") and any("±" in str(df.value) for df in at.dataframe)


@pytest.mark.parametrize("edit, expect", [
    (lambda df: df.drop(columns=["val_loss", "task"]), ["val_loss", "task"]),
    (lambda df: df.assign(schema_version=1), ["schema version 1"]),
    (lambda df: df.drop(columns=["schema_version"]), ["schema_version"]),
])
def test_a_wrong_results_file_is_explained_not_a_traceback(cli_results, tmp_path, edit, expect):
    path = tmp_path / "bad.csv"
    edit(pd.read_csv(io.BytesIO(cli_results))).to_csv(path, index=False)
    at = upload(path.read_bytes(), "bad.csv")
    assert not at.exception
    message = "\n".join(e.value for e in at.error)
    assert "bad.csv" in message and all(word in message for word in expect), message


def test_a_file_that_is_not_csv_at_all_is_explained(cli_results):
    at = upload(b"\x00\x01 not a csv at all \xff", "results.csv")
    assert not at.exception and "results.csv" in "\n".join(e.value for e in at.error)
