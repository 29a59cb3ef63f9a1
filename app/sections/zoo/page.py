"""Model zoo page: what the app can train, from the registries; each entry links to the page that trains it,
and a picked architecture shows its diagram, its size at the default settings and its code."""
import streamlit as st

from app.figures import architecture_figure
from app.i18n import current_lang, entry_description, entry_name, t, translator
from app.sections import BY_ID
from app.sections.zoo import SECTION
from app.sections.zoo.links import default_data, target
from app.sections.zoo.tables import arch_table, data_table, link, weighting_table
from app.ui import url
from app.ui.cache import cached_model_info
from app.ui.charts import chart
from app.ui.code import show_code
from app.ui.modelinfo import ModelInfo
from app.ui.section import keyer, open_link, read_keys
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.weighting import WEIGHTINGS

section = BY_ID[SECTION]
first_visit = open_link(section, lambda query: read_keys(query, "", {}, {}, what="the model zoo"))  # it owns no keys
url.sync(section)
if first_visit:
    url.show_warnings(url.warnings(section))
lang = current_lang()
_k = keyer(SECTION)


def defaults(specs) -> tuple:
    return tuple(sorted((p.name, p.default) for p in specs))


def model_info(arch_id: str) -> ModelInfo:
    """The architecture built at its default size on the dataset its link trains it on (cached per server)."""
    data_id = default_data(arch_id)
    return cached_model_info(data_id, defaults(DATASETS[data_id].params), arch_id, defaults(ARCHITECTURES[arch_id].params))


def inside(arch_id: str) -> None:
    """Diagram, parameter count and "Train it" of one architecture, and its code below."""
    arch, info = ARCHITECTURES[arch_id], model_info(arch_id)
    page, _ = target("model", arch_id)
    data = DATASETS[default_data(arch_id)]
    left, right = st.columns([3, 2], gap="medium")
    with right:
        st.markdown(f"**{entry_name(lang, 'model', arch)}** — {entry_description(lang, 'model', arch)}")
        st.caption(f"{arch.paper} ({arch.year})" if arch.paper else "")
        if info.error:
            st.error(info.error)
        else:
            st.markdown(t("zoo.n_params", n=info.n_params, data=entry_name(lang, "data", data)),
                        help=t("zoo.n_params_help", n=info.n_params_paper))
        st.link_button(t("zoo.train_it", page=t(BY_ID[page].title_key)), link(lang, "model", arch_id),
                       icon=":material/play_arrow:", type="primary")
    with left:
        if not info.error:
            chart(architecture_figure(info, tr=translator(lang)), t("zoo.diagram_caption"))
    with st.expander(t("code.title"), icon=":material/code:"):
        show_code(arch.cls)


st.title(t("zoo.title"))
st.caption(t("zoo.intro"))

st.subheader(t("zoo.arch"), divider="gray")
counts = {a: model_info(a).n_params for a in ARCHITECTURES}
st.table(arch_table(lang, counts).set_index(t("zoo.col.name")), border="horizontal")
st.caption(t("zoo.n_params_note"))

st.subheader(t("zoo.inside"), divider="gray")
names = {a: entry_name(lang, "model", info) for a, info in ARCHITECTURES.items()}
picked = st.selectbox(t("zoo.pick"), list(ARCHITECTURES), index=list(ARCHITECTURES).index("mmoe")
                      if "mmoe" in ARCHITECTURES else 0, format_func=names.get, key=_k("arch"))
inside(picked)

st.subheader(t("zoo.weighting"), divider="gray")
st.table(weighting_table(lang).set_index(t("zoo.col.name")), border="horizontal")
w_names = {w: entry_name(lang, "weighting", info) for w, info in WEIGHTINGS.items()}
w_picked = st.selectbox(t("zoo.pick_weighting"), list(WEIGHTINGS), format_func=w_names.get, key=_k("weighting"))
with st.expander(t("code.title") + f": {w_names[w_picked]}", icon=":material/code:"):
    show_code(WEIGHTINGS[w_picked].cls)

st.subheader(t("zoo.data"), divider="gray")
st.table(data_table(lang).set_index(t("zoo.col.name")), border="horizontal")
