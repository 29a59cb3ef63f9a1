"""Model zoo page: what the Playground can train, from the registries."""
import streamlit as st

from app.i18n import current_lang, t
from app.sections import BY_ID
from app.sections.zoo import SECTION
from app.sections.zoo.tables import arch_table, data_table, weighting_table
from app.ui import url
from app.ui.section import open_link, read_keys

section = BY_ID[SECTION]
first_visit = open_link(section, lambda query: read_keys(query, "", {}, {}, what="the model zoo"))  # it owns no keys
url.sync(section)
if first_visit:
    url.show_warnings(url.warnings(section))
lang = current_lang()
st.title(t("zoo.title"))
st.caption(t("zoo.intro"))
for title, table in (("zoo.arch", arch_table), ("zoo.weighting", weighting_table), ("zoo.data", data_table)):
    st.subheader(t(title), divider="gray")
    st.table(table(lang).set_index(t("zoo.col.name")), border="horizontal")
