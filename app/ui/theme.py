"""The page's own style beyond `.streamlit/config.toml`: one place for the CSS and script injected into every page.

Streamlit 1.67 has no setting for the sidebar's width or for how its widgets lay out their content, so a
small <style> block targets its `data-testid` attributes:
- the sidebar is wider (23 rem instead of 300 px), so its selectboxes show more of their values (a value
  too long even then ends in "…"; the open list shows every option whole, over several lines if need be);
- a multiselect in the sidebar shows every chosen item: Streamlit caps the box's height and scrolls the
  rest (the Funnel explorer's 7 models showed 4); here the box grows with its chips, and a chip's long
  label wraps instead of ending in "…";
- a widget's label wraps instead of being cut.

And a script gives every Plotly chart a "Download plot as SVG" button beside plotly's own PNG one (whose
options come from `app.ui.charts.chart_config`): `st.plotly_chart` passes its config to the browser as JSON,
which cannot carry the button's click handler, so the script adds the button to each chart's toolbar as the
chart appears, and draws the SVG with the plotly.js already on the page (`Plotly.downloadImage`, offline).
The script builds its icon with DOM calls: Streamlit's sanitiser (DOMPurify) drops a script whose text holds
markup such as an "<svg" string.
"""
from __future__ import annotations

import streamlit as st

SIDEBAR_WIDTH = "23rem"

CSS = f"""
<style>
section[data-testid="stSidebar"] {{ width: {SIDEBAR_WIDTH} !important; min-width: {SIDEBAR_WIDTH} !important; }}
section[data-testid="stSidebar"] [data-testid="stMultiSelect"] [role="group"],
section[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"] {{
  max-height: none !important; overflow: visible !important;
}}
section[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"] [data-tag],
section[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"] [data-tag] > span {{
  height: auto !important; white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
section[data-testid="stSidebar"] [data-testid="stSelectbox"] input {{ text-overflow: ellipsis !important; }}
[role="listbox"] [role="option"], [role="listbox"] [role="option"] * {{ white-space: normal !important; }}
[data-testid="stWidgetLabel"] p {{ white-space: normal !important; overflow-wrap: anywhere; }}
</style>
"""

SVG_BUTTON_TITLE = "Download plot as SVG"
# A pen nib: the vector drawing (plotly's own camera icon is the PNG's)
_ICON = ("M12 2l7 7-3 10H8L5 9l7-7zm0 3.2L7.3 9.9 9.5 17h5l2.2-7.1L12 5.2zM12 9a2 2 0 110 4 2 2 0 010-4zM8 20h8v2H8z")

SCRIPT = """
<script>
(() => {
  if (window.__mtlSvgButtons) return;
  window.__mtlSvgButtons = true;
  const TITLE = "%(title)s";
  const name = (gd) => {
    const text = ((gd.layout && gd.layout.title && gd.layout.title.text) || "chart").replace(/<[^>]*>/g, "");
    return text.trim().replace(/[^\\p{L}\\p{N}]+/gu, "-").replace(/^-|-$/g, "").toLowerCase() || "chart";
  };
  const add = (gd) => {
    const bar = gd.querySelector(".modebar");
    if (!bar || bar.querySelector('[data-title="' + TITLE + '"]')) return;
    const group = document.createElement("div");
    group.className = "modebar-group";
    const a = document.createElement("a");
    a.className = "modebar-btn";
    a.setAttribute("rel", "tooltip");
    a.setAttribute("data-title", TITLE);
    a.setAttribute("data-gravity", "n");
    const ns = "http://www.w3.org/2000/svg", icon = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
    Object.entries({viewBox: "0 0 24 24", class: "icon", height: "1em", width: "1em"}).forEach(([k, v]) => icon.setAttribute(k, v));
    path.setAttribute("d", "%(icon)s");
    icon.appendChild(path);
    a.appendChild(icon);
    a.addEventListener("click", () => window.Plotly && window.Plotly.downloadImage(gd, {
      format: "svg", filename: name(gd), width: gd._fullLayout.width, height: gd._fullLayout.height }));
    group.appendChild(a);
    bar.insertBefore(group, bar.firstChild);
  };
  const scan = () => document.querySelectorAll(".js-plotly-plot").forEach(add);
  new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
  scan();
})();
</script>
""" % {"title": SVG_BUTTON_TITLE, "icon": _ICON}


def inject() -> None:
    """Add the page's CSS and the SVG-download script (call once per page run, from the frame)."""
    st.html(CSS)
    st.html(SCRIPT, unsafe_allow_javascript=True)
