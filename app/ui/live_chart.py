"""A Plotly chart that a running job updates in place, without the flicker of `st.plotly_chart`.

Streamlit (1.67) keys a Plotly chart's React element on an id hashed from the figure's JSON, so every new
snapshot of a live run mounted a new chart element and dropped the old one, and the browser painted the
empty new element before Plotly drew into it (a chart that flickers blank while training), and every
redraw built each changed plot from scratch. This component
keeps one element per `key` and hands each new figure to `Plotly.react`, which updates the plot it already
drew.

It draws with the plotly.js of the installed `plotly` Python package (`plotly/package_data/plotly.min.js`,
the same release that serialises the figures), served by this Streamlit server, never from a CDN: the
package's folder is declared as a component's file folder (`st.components.v1.declare_component(path=...)`),
whose files the server serves; the first live chart of a page adds a <script> for it and waits for it. The
script is kept as `window.__mtlPlotly` and does not replace a `window.Plotly` already there. Where Streamlit
lacks components v2, it falls back to `st.plotly_chart`.
"""
from __future__ import annotations

import pathlib

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

_JS = """
export default function ({ data, parentElement }) {
  let gd = parentElement.querySelector("div.mtl-live-plot");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "mtl-live-plot";
    gd.style.width = "100%";
    gd.style.background = "white";
    parentElement.appendChild(gd);
    gd.addEventListener("fullscreenchange", () => {  // fill the screen, then back to the figure's height
      const full = document.fullscreenElement === gd;
      if (window.__mtlPlotly) window.__mtlPlotly.relayout(gd, { height: full ? window.innerHeight : Number(gd.dataset.height) });
    });
  }
  const revision = String(data.revision);
  if (gd.dataset.wanted === revision) return;  // the figure drawn (or waiting to be) already
  gd.dataset.wanted = revision;
  const since = Date.now();
  const draw = () => {
    if (gd.dataset.wanted !== revision) return;  // a newer figure came meanwhile
    const Plotly = window.__mtlPlotly;
    if (!Plotly && Date.now() - since > 20000) {
      gd.textContent = "This chart could not load plotly.js from the server; reload the page.";
      return;
    }
    if (!Plotly) {
      loadPlotly(data.plotly);
      setTimeout(draw, 50);
      return;
    }
    const fig = JSON.parse(data.spec);
    gd.dataset.height = String(fig.layout.height || 450);
    if (document.fullscreenElement === gd) fig.layout.height = window.innerHeight;
    const config = { ...data.config, modeBarButtonsToAdd: [fullscreenButton] };
    Plotly.react(gd, fig.data, fig.layout, config);
  };
  draw();
}

// the plotly package's plotly.min.js, once per page, as a classic script (it sets window.Plotly: put back
// whatever was there before, and keep ours apart)
function loadPlotly(path) {
  if (window.__mtlPlotlyLoading || !path) return;
  window.__mtlPlotlyLoading = true;
  const before = window.Plotly;
  const script = document.createElement("script");
  script.src = new URL(path, document.baseURI).href;
  script.onload = () => {
    window.__mtlPlotly = window.Plotly;
    if (before !== undefined) window.Plotly = before;
  };
  script.onerror = () => { window.__mtlPlotlyLoading = false; console.warn("live chart: cannot load", path); };
  document.head.appendChild(script);
}

// Streamlit's own Plotly charts have a fullscreen button (for a projector); so do these
const fullscreenButton = {
  name: "Fullscreen",
  icon: { width: 24, height: 24, path: "M3 3h7v2H5v5H3V3zm11 0h7v7h-2V5h-5V3zM3 14h2v5h5v2H3v-7zm16 0h2v7h-7v-2h5v-5z" },
  click: (gd) => (document.fullscreenElement === gd ? document.exitFullscreen() : gd.requestFullscreen()),
};
"""

try:
    _component = st.components.v2.component("mtl_live_plotly", js=_JS, isolate_styles=False)
except (AttributeError, TypeError):  # a Streamlit without components v2 (or another version of its API)
    _component = None


def _spec(fig: go.Figure) -> str:
    """The figure's JSON, kept on the figure: a live view hands the same figure object again while its data
    has not changed (`Run.figure`), and serialising it again would cost the server a redraw's worth of CPU.
    Kept on the object, it goes when the figure does (a closed tab keeps nothing here); the app's figures
    are built anew, never changed after they are drawn."""
    spec = getattr(fig, "_mtl_live_spec", None)
    if spec is None:
        spec = pio.to_json(fig, validate=False)
        fig._mtl_live_spec = spec
    return spec


PLOTLY_JS = pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
try:  # never drawn: declared only so that the server serves the plotly package's files
    _plotly_files = st.components.v1.declare_component("plotly_package_data", path=str(PLOTLY_JS.parent))
except Exception:  # noqa: BLE001 - no file route: the chart falls back to st.plotly_chart
    _plotly_files = None


def plotly_js_url() -> str:
    """Where the page loads plotly.min.js from, relative to the app's base URL ("" when not served)."""
    from ..server import st_runtime

    if _plotly_files is None or not PLOTLY_JS.is_file():
        return ""
    return st_runtime.component_file_url(_plotly_files, PLOTLY_JS.name)


def live_chart(fig: go.Figure, key: str, config: dict) -> None:
    """Draw `fig` in the element kept under `key`, updating the plot in place when the figure changes."""
    url = plotly_js_url()
    if _component is None or not url:
        st.plotly_chart(fig, config=config, theme=None)
        return
    spec = _spec(fig)
    config = {**config, "responsive": True}  # follow the column's width when the window is resized
    _component(key=key, data={"spec": spec, "config": config, "revision": hash(spec), "plotly": url},
               height="content")
