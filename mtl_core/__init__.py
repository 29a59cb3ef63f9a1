"""MTL Explorer's library: datasets, architectures, loss weightings, the training loop and experiments.

Never imports streamlit or plotly; the app in `app/` is a thin layer over this package.
"""
__version__ = "0.1.0"
