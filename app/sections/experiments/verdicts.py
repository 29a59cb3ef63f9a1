"""The Experiments page's verdicts on the MMoE paper's four claims (a finished sweep, or a loaded
results.csv), the measured table of how often each verdict held on fresh seed sets, and the measured
screen of other regimes (why the quick preset uses its own)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from mtl_core.experiments.claims import CLOSE_TOL, SPREADS, verdicts

from ...figures.claims import OUTCOME_KEY, robustness_c_figure, verdict_notes, verdict_table
from ...i18n import current_lang, t, translator
from ...ui.charts import chart
from ...ui.section import keyer
from ...ui.text import escape_md
from ...ui.widgets import param_label
from . import SECTION
from .controls import arch_names
from .results import has_outcomes, regime_screen_table, robustness_counts, robustness_table


_k = keyer(SECTION)


def _tr():
    return translator(current_lang())


def verdict_view(results: pd.DataFrame, key: str) -> None:
    """The four claims on a finished study: the numbers behind each and holds / does not hold."""
    st.subheader(t("exp.v.title"), divider="gray")
    c1, c2 = st.columns([1, 1])
    measures = {s: t(f"exp.v.{s}") for s in SPREADS}
    spread = c1.radio(t("exp.v.spread"), list(measures), horizontal=True, key=_k(f"{key}_spread"),
                      format_func=measures.get, help=t("exp.v.spread_help"))
    exclude = c2.toggle(t("exp.v.exclude"), key=_k(f"{key}_exclude"), help=t("exp.v.exclude_help"))
    try:
        weighting = str(results["weighting"].iloc[0]) if "weighting" in results.columns else None
        vs = verdicts(results, spread=spread, exclude_failed=exclude, weighting=weighting)
    except ValueError as err:
        st.info(t("exp.v.cannot", msg=escape_md(str(err)[:300])), icon=":material/info:")
        return
    table = verdict_table(vs, arch_names(), tr=_tr())
    st.table(verdict_style(table.set_index(table.columns[0]), t("exp.col.verdict")), border="horizontal")
    failing = [v.claim for v in vs if v.outcome == "fails"]
    open_ = [v.claim for v in vs if v.outcome == "unclear"]
    notes = verdict_notes(vs, arch_names(), tr=_tr())
    said = [t("exp.v.some_fail", claims=", ".join(failing))] if failing else []
    said += [t("exp.v.some_unclear", claims=", ".join(open_))] if open_ else []
    st.caption((notes + "  \n" if notes else "") + (" ".join(said) or t("exp.v.all_hold")))
    robustness_view()


def _named(text: str) -> str:
    """"shared_bottom 1017; mmoe 6000,6005" with the architectures' display names."""
    for arch, name in sorted(arch_names().items(), key=lambda kv: -len(kv[0])):
        text = text.replace(arch + " ", name + " ")
    return text


@st.cache_data(show_spinner=False)
def _robustness() -> pd.DataFrame | None:
    return robustness_table()


def robustness_view() -> None:
    """How often the quick preset's verdicts held on seeds its regime was not chosen on (a saved table): each
    claim's outcome on each seed set by the one rule, and claim (c)'s paired difference with its interval per set
    (a chart and the table), so that how close a claim came shows beside its verdict."""
    df = _robustness()
    if df is None:
        return
    counts = robustness_counts(df)
    mark = {"holds": "✓", "fails": "✗", "unclear": "?"}

    def marks(row: dict) -> str:
        return " ".join(f"({k}) {mark[row[f'outcome_{k}']]}" for k in "abcd")
    large = []
    for seeds in dict.fromkeys(r["seeds"] for r in counts["large"]):
        rows = {r["failed_runs"]: r for r in counts["large"] if r["seeds"] == seeds}
        kept, left = rows.get("kept"), rows.get("left_out")
        if kept and left and marks(kept) == marks(left):  # the same verdicts either way: say it once
            large.append(t("exp.rob.large_both", seeds=seeds, n=kept["n_seeds"], marks=marks(kept)))
            continue
        large += [t("exp.rob.large", seeds=seeds, n=r["n_seeds"], marks=marks(r),
                    how=t("exp.v.left_out" if how == "left_out" else "exp.v.kept")) for how, r in rows.items()]
    kept, left = df[df.failed_runs == "kept"], df[df.failed_runs == "left_out"]
    with st.expander(t("exp.rob.title"), icon=":material/fact_check:"):
        tally = "; ".join(t("exp.rob.tally", claim=c, **o) for c, o in counts["outcomes"].items())
        st.markdown(t("exp.rob.intro_rule", sets=counts["small"]["a"][1], tally=tally) + " " + " ".join(large))
        st.markdown(c_summary(kept, 100 * CLOSE_TOL, _tr()))
        chart(robustness_c_figure(kept.reset_index(drop=True), 100 * CLOSE_TOL, _tr()))
        columns = {t("exp.rob.col.seeds"): kept["seeds"].to_numpy(),
                   **{f"({c})": kept[f"outcome_{c}"].map(mark).to_numpy() for c in "abcd"},
                   t("exp.rob.col.c_diff"): [
                       f"{r.c_diff_pct:+.0f} % [{r.c_low_pct:+.0f}, {r.c_high_pct:+.0f}] ({r.c_agree}/{r.c_n})"
                       for r in kept.itertuples()],
                   t("exp.rob.col.d_left_out"): left["outcome_d"].map(mark).to_numpy()}
        columns.update({t("exp.rob.col.rise", name=arch_names().get(a, a)): kept[f"rise_{a}"].to_numpy()
                        for a in ("shared_bottom", "omoe", "mmoe") if f"rise_{a}" in kept})
        columns[t("exp.rob.col.failed")] = [_named(str(x)) for x in kept["failed_seeds"].fillna("")]
        table = pd.DataFrame(columns)
        st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 3)  # every row shown


def c_summary(kept: pd.DataFrame, margin_pct: float, tr) -> str:
    """Claim (c) over the sets, in numbers: the range of its paired difference on the small sets, on how many its
    interval lay within the margin, how wide that interval typically is, and each large set's difference."""
    small, large = kept[kept.n_seeds < 100], kept[kept.n_seeds >= 100]
    parts = []
    if len(small):
        width = (small.c_high_pct - small.c_low_pct).median()
        parts.append(tr("exp.rob.c_small", tol=f"{margin_pct:g}", n=len(small), lo=f"{small.c_diff_pct.min():+.0f}",
                        hi=f"{small.c_diff_pct.max():+.0f}", holds=int((small.outcome_c == "holds").sum()),
                        fails=int((small.outcome_c == "fails").sum()), width=f"{width:.0f}",
                        band=f"{2 * margin_pct:g}"))
        if width > 2 * margin_pct:  # wider than the band: no set of this size can show the equality
            parts.append(tr("exp.rob.c_wide"))
    parts += [tr("exp.rob.c_large", seeds=r.seeds, n=r.n_seeds, d=f"{r.c_diff_pct:+.0f}", lo=f"{r.c_low_pct:+.0f}",
                 hi=f"{r.c_high_pct:+.0f}", agree=r.c_agree, verdict=tr(OUTCOME_KEY[r.outcome_c]))
              for r in large.itertuples()]
    return "".join(p + ("" if p.endswith("。") or i == len(parts) - 1 else " ") for i, p in enumerate(parts))


@st.cache_data(show_spinner=False)
def _screen() -> pd.DataFrame | None:
    return regime_screen_table()


def changes_label(text: str) -> str:
    """"data.c=2.5; train.lr=0.005" as "Weight scale c = 2.5 · Learning rate = 0.005" (page language)."""
    if not text:
        return t("exp.screen.preset")
    parts = []
    for item in text.split("; "):
        key, _, value = item.partition("=")
        section, _, name = key.partition(".")
        parts.append(f"{param_label(name, section)} = {value}")
    return " · ".join(parts)


def regime_screen_view() -> None:
    """The quick preset's regime against one change at a time, on the seeds it was chosen on (a saved table)."""
    df = _screen()
    if df is None:
        return
    names = arch_names()
    archs = ("shared_bottom", "omoe", "mmoe")
    mark = {True: "✓", False: "✗"}
    with st.expander(t("exp.screen.title", seeds=df["seeds"].iloc[0]), icon=":material/tune:"):
        st.markdown(t("exp.screen.intro", seeds=df["seeds"].iloc[0], n=len(df)))
        order = " / ".join(names.get(a, a) for a in archs)
        def three(prefix: str) -> list[str]:  # one column per measure keeps the table within the page
            return [" / ".join(f"{row[prefix.format(a)]:.3f}" for a in archs) for _, row in df.iterrows()]
        table = pd.DataFrame({
            t("exp.screen.col.changes"): [changes_label(x) for x in df["changes"]],
            **{f"({c})": df[f"claim_{c}"].astype(bool).map(mark).to_numpy() for c in "abcd"},
            t("exp.screen.col.rise"): three("rise_{}"),
            t("exp.screen.col.sd"): three("sd_{}_rho0.5"),
            t("exp.rob.col.failed"): [_named(str(x)) for x in df["failed_seeds"].fillna("")]})
        helps = {t("exp.screen.col.rise"): order, t("exp.screen.col.sd"): order}
        st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 3,
                     column_config={c: st.column_config.TextColumn(c, help=h) for c, h in helps.items()})
        held = {c: int(df[f"claim_{c}"].astype(bool).sum()) for c in "abcd"}
        st.markdown(t("exp.screen.found", n=len(df), **held))
        if not has_outcomes(df):
            st.caption(t("exp.screen.legacy"))


def verdict_style(table: pd.DataFrame, column: str):
    """Green for holds, red for does not hold, grey for too few seeds to tell (the mark is not the only signal)."""
    colour = {t("exp.v.holds"): "#1a7f37", t("exp.v.fails"): "#cf222e"}
    return table.style.map(lambda v: f"color: {colour.get(v, '#57606a')}; font-weight: 600", subset=[column])
