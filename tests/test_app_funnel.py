"""The funnel explorer's page (a tiny comparison end to end, a bad link named, a preset link) and its pure
figure builders. The generator, the models and the comparison itself: tests/test_funnel_explorer.py."""
from __future__ import annotations

import pytest

from mtl_core.experiments import funnel as fx


# ---- the page --------------------------------------------------------------------------------------------------
TINY_PAGE = {"page": "funnel", "funnel.n_impressions": "3000", "funnel.n_users": "60", "funnel.n_items": "60",
             "funnel.epochs": "1", "funnel.seeds": "2", "funnel.models": "naive,esmm"}


def funnel_page(**query):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app" / "main.py"), default_timeout=120)
    at.query_params.update({k: v for k, v in {**TINY_PAGE, **query}.items() if v is not None})
    return at.run()


def test_the_page_runs_the_comparison_and_shows_every_view():
    at = funnel_page()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.query_params["funnel.n_users"] == "60" and at.query_params["funnel.models"] == "naive,esmm"
    at.button(key="funnel.run").click().run()
    state = at.session_state["section:funnel"]
    for _ in range(60):
        if not state["job"].active:
            break
        at.run()
    job = state["job"]
    assert not at.exception and job.status == "finished" and job.runs_done == 4, (job.status, job.message)
    heads = "\n".join(s.value for s in at.subheader)
    for head in ("Probability decomposition", "Bias on the entire space", "Metrics over seeds"):
        assert head in heads
    table = at.table[0].value
    assert list(table.index) == ["Naive (CVR on clicks only)", "ESMM"]
    assert "66.00 / 62.07" in table.iloc[0].to_list() and "68.56 / 65.32" in table.iloc[1].to_list()
    assert {d.label for d in at.get("download_button")} == {"summary.json", "results.csv"}


def test_the_page_in_chinese_and_a_bad_link_is_named():
    at = funnel_page(lang="zh", **{"funnel.base_cvr": "7", "funnel.models": "esmm,nope"})
    assert not at.exception
    assert at.title[0].value == "漏斗探索器：对照真实概率看 ESMM"
    warning = "\n".join(w.value for w in at.warning)
    assert "funnel.base_cvr" in warning and "funnel.models" in warning
    assert at.query_params["funnel.base_cvr"] == "0.1"  # the preset's value


def test_a_funnel_preset_link_opens_the_funnel_explorer():
    at = funnel_page(preset="esmm_story", page=None)  # no ?page=: the preset's section opens
    assert not at.exception and not at.warning and at.title[0].value.startswith("Funnel explorer")


# ---- figures (pure) -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_result():
    flat = {"data.n_impressions": 4000, "data.n_users": 80, "data.n_items": 80, "train.epochs": 1,
            "train.batch_size": 512}
    return fx.run_funnel(flat, ["naive", "esmm"], seeds=[0, 1])


def test_figure_builders_draw_the_data(tiny_result):
    import pandas as pd

    from app.figures.funnel import (bias_figure, calibration_figure, curves_figure, decomposition_figure,
                                    funnel_figure, gap_figure, metrics_table)
    meta = tiny_result.data_meta[0]
    fig = funnel_figure(meta)
    assert list(fig.data[0].x) == [meta["n_impressions"], meta["n_clicks"], meta["n_conversions"]]
    s, m = tiny_result.samples, tiny_result.samples["models"]["esmm"]
    sample = pd.DataFrame({"true_pctr": s["truth"]["true_pctr"][:50], "true_pcvr": s["truth"]["true_pcvr"][:50],
                           "pctr": m["pctr"][:50], "pcvr": m["pcvr"][:50], "pctcvr": m["pctcvr"][:50],
                           "click": s["click"][:50]})
    fig = decomposition_figure(sample, "esmm", "ESMM")
    ring = next(t for t in fig.data if t.name == "pCTR × pCVR")
    dots = [t for t in fig.data if t.xaxis == "x3" and t.mode == "markers" and t.name != "pCTR × pCVR"]
    by_x = {x: y for t in dots for x, y in zip(t.x, t.y)}
    assert all(by_x[x] == pytest.approx(y, rel=1e-6) for x, y in zip(ring.x, ring.y))  # rings sit on the dots
    clicked = s["click"] > 0.5
    curves = pd.concat([fx.calibration(s["models"][mid]["pcvr"][mask], s["truth"]["true_pcvr"][mask], 5)
                        .assign(model=mid, space=space) for mid in ("naive", "esmm")
                        for space, mask in (("clicked", clicked), ("unclicked", ~clicked))])
    fig = calibration_figure(curves, {"naive": "Naive", "esmm": "ESMM"})
    assert {t.name for t in fig.data} >= {"Naive", "ESMM"}
    table = tiny_result.table()
    assert len(bias_figure(table, {}).data) == 2
    history = pd.DataFrame([{"model": m, "epoch": e, "val_cvr_auc_entire": 0.6} for m in ("naive", "esmm")
                            for e in (0.5, 1.0)])
    assert len(curves_figure(history, {}).data) == 2
    shown = metrics_table(table, {"naive": "Naive", "esmm": "ESMM"}, fx.PAPER_ALI_CCP)
    assert list(shown.iloc[:, 0]) == ["Naive", "ESMM"] and shown.iloc[1, -1] == "68.56 / 65.32"
    gaps = pd.DataFrame({"n_ids": [100, 200], "selection_strength": [1.0, 1.0], "gap": [0.01, 0.05],
                         "gap_sd": [0.0, 0.01]})
    assert len(gap_figure(gaps).data) == 1
    for empty in (funnel_figure({}), calibration_figure(pd.DataFrame(), {}), curves_figure(pd.DataFrame(), {})):
        assert empty.layout.annotations  # "no data yet"
