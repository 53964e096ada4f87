"""Arrays to PNG data URIs: the cheap way to ship heatmaps to the browser."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def png_data_uri(rgb: np.ndarray) -> str:
    """uint8 RGB (H, W, 3) with row 0 at the *top* -> "data:image/png;base64,..."."""
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
