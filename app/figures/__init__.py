"""Every Plotly figure of the app: pure builders (data in, `go.Figure` out), no streamlit.

Importing the package registers the house template `pio.templates["mtl"]` (see `style.py`).
"""
from . import style  # noqa: F401  (registers the template)
from .curves import compare_figure, conflict_figure, loss_figure, weights_figure
from .diagram import architecture_figure, diagram_parts
from .gates import gate_blocks, gate_evolution_figure, gate_heatmap_figure, nice_zmax
from .series import Series, series_of
from .study import study_figure, summary_table

__all__ = ["compare_figure", "conflict_figure", "loss_figure", "weights_figure", "architecture_figure",
           "diagram_parts", "gate_blocks", "gate_evolution_figure", "gate_heatmap_figure", "nice_zmax",
           "Series", "series_of", "study_figure", "summary_table"]
