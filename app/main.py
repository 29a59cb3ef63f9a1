"""MTL Explorer's web UI, the frame: page config, language, and the navigation built from the section
registry (`app/sections/__init__.py`). Run with `streamlit run app/main.py` after `pip install -e .`.

Classroom mode (caps per session, a queue for training, see `app/server.py` and the README):
`streamlit run app/main.py -- --classroom` or `MTL_CLASSROOM=1 streamlit run app/main.py`.

Each section is a folder under app/sections/ (not app/pages/: Streamlit would treat a "pages" folder as
a legacy multi-page app when a page URL is opened directly, bypassing this frame).
"""
from pathlib import Path

import streamlit as st

from app import server
from app.i18n import LANG_NAMES, t
from app.sections import GROUPS, SECTIONS
from app.ui import theme, url

# A local image: a ":material/..." page icon makes every browser fetch it from a font server (fails offline).
st.set_page_config(page_title="MTL Explorer", page_icon=str(Path(__file__).resolve().parents[1] / "assets" / "favicon.png"),
                   layout="wide")
server.start_janitor()  # frees a closed tab's runs, models and data within seconds (once per process)
url.init_frame()
theme.inject()  # sidebar CSS and the charts' SVG download (app/ui/theme.py)


def _keep_choices_across_languages() -> None:
    """The language radio's on_change. A keyed selectbox, radio or multiselect sends the browser its
    options' labels, and the browser answers with the label it shows: after a language switch, its stale
    label matched none of the new ones on the next click, and Streamlit fell back to the first option
    (the Playground's architecture became the single-task baseline). Setting every choice again before the
    widgets are drawn sends the new labels. Buttons (bool values), uploads and anything else that cannot
    be set this way are left alone."""
    for key in list(st.session_state.keys()):
        value = st.session_state[key]
        if key != "lang" and isinstance(value, (str, int, float, list, tuple)) and not isinstance(value, bool):
            st.session_state[key] = value


with st.sidebar:
    st.radio(t("lang.label"), list(LANG_NAMES), format_func=LANG_NAMES.get, key="lang", horizontal=True,
             on_change=_keep_choices_across_languages)
    if server.CLASSROOM:
        lim = server.LIMITS
        st.caption(":material/school: " + t("server.badge"),
                   help=t("server.badge_help", jobs=lim.max_jobs, mb=f"{lim.max_data_mb:g}",
                          passes=f"{lim.max_sample_passes:,}", snaps=lim.max_snapshots_per_epoch,
                          runs=lim.max_study_runs, studies=lim.max_studies))

pages = {s.id: st.Page(s.page_path, title=t(s.title_key), icon=s.icon, default=s.default,
                       **({} if s.default else {"url_path": s.url_path})) for s in SECTIONS}
groups = {t(f"nav.group.{g}"): [pages[s.id] for s in SECTIONS if s.group == g] for g in GROUPS}
nav = st.navigation({name: members for name, members in groups.items() if members})
target = url.requested_section()  # ?page=<url_path>: open that section with the rest of the link
if target is not None and nav.url_path != pages[target.id].url_path:
    st.switch_page(pages[target.id], query_params={k: v for k, v in url.query().items() if k != "page"})

import torch  # noqa: E402  (after the navigation is drawn: the menu appears while the library loads)

# One thread per training session: a single small model trains fastest on one core, and several
# browser sessions training at once then share the server's cores instead of fighting over them.
torch.set_num_threads(1)
nav.run()
