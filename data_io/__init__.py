"""data_io: getting data and settings in and out of the playground, without any UI.

- ``csv_data``: uploaded CSV bytes -> validated table -> engine ``Dataset``.
- ``share``: a ``RunConfig`` (+ step, presenter flag) <-> short URL query parameters.
- ``exports``: training history as CSV, weights as JSON, a standalone NumPy predictor.

Pure Python and NumPy: nothing here imports Streamlit or Plotly.
"""
