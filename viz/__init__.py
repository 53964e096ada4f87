"""Pure figure builders: backprop_core objects -> Plotly figure dicts and images.

Nothing here imports Streamlit. Figures are plain dicts (building a ``go.Figure`` with many
traces costs tens of milliseconds per frame); heatmaps travel as small PNG images.
"""
