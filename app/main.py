"""MTL Explorer's web UI: a thin router. Run with `streamlit run app/main.py` from the repository root.

Pages live in app/views/ (not app/pages/: Streamlit would treat a "pages" folder as a legacy
multi-page app when a page URL is opened directly, bypassing this router)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
import torch  # noqa: E402

# One thread per training session: a single small model trains fastest on one core, and several
# browser sessions training at once then share the server's cores instead of fighting over them.
torch.set_num_threads(1)

from app.i18n import LANG_NAMES, t  # noqa: E402
from app.urlstate import init_from_url  # noqa: E402

st.set_page_config(page_title="MTL Explorer", page_icon=":material/hub:", layout="wide")
init_from_url()
with st.sidebar:
    st.radio(t("lang.label"), list(LANG_NAMES), format_func=LANG_NAMES.get, key="lang", horizontal=True)
pages = [st.Page(str(Path(__file__).parent / "views" / "playground.py"), title=t("nav.playground"),
                 icon=":material/science:", default=True),
         st.Page(str(Path(__file__).parent / "views" / "zoo.py"), title=t("nav.zoo"),
                 icon=":material/menu_book:", url_path="zoo")]
st.navigation(pages).run()
