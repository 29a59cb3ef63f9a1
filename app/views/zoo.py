"""Model zoo page: what the playground can train, from the registries."""
import streamlit as st

from app.i18n import current_lang, t
from app.urlstate import sync_url
from app.zoo import arch_table, data_table, weighting_table

sync_url()
lang = current_lang()
st.title(t("zoo.title"))
st.caption(t("zoo.intro"))
for title, table in (("zoo.arch", arch_table), ("zoo.weighting", weighting_table), ("zoo.data", data_table)):
    st.subheader(t(title), divider="gray")
    st.table(table(lang).set_index(t("zoo.col.name")), border="horizontal")
