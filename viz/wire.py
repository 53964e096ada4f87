"""A compact binary envelope for the live view: one JSON header plus typed arrays.

The browser reads the arrays as typed-array views of the same buffer, so a 100×100 grid
costs 10,000 bytes instead of the ~40,000 characters of a PNG data URI or a JSON list.

Layout (all little-endian)::

    b"BPL1"  uint32 header length  header (UTF-8 JSON)  padding to 8
    array 0 bytes  padding to 8  array 1 bytes  ...

The header's ``"arrays"`` lists ``{"name", "dtype", "shape", "offset", "nbytes", "z"}``;
``offset`` counts from the start of the arrays (the first multiple of 8 after the header)
and ``z`` says the bytes are zlib-compressed (worth it for smooth uint8 pictures, not for
floats).
"""

from __future__ import annotations

import json
import math
import struct
import zlib

import numpy as np

MAGIC = b"BPL1"
DTYPES = {"uint8": np.uint8, "float32": np.float32, "float64": np.float64,
          "int32": np.int32}
ALIGN = 8


def _pad(n: int) -> int:
    return (-n) % ALIGN


def clean(value):
    """JSON-safe copy: non-finite floats become None (JSON has no NaN or infinity)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def pack(header: dict, arrays: dict[str, np.ndarray], compress: tuple[str, ...] = ()) -> bytes:
    """The envelope for ``header`` (JSON-able) and ``arrays`` (name -> array, any shape)."""
    blobs, specs, offset = [], [], 0
    for name, array in arrays.items():
        dtype = np.dtype(array.dtype).name
        if dtype not in DTYPES:
            raise ValueError(f"{name}: dtype {dtype} cannot be sent")
        raw = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()
        z = name in compress
        if z:
            raw = zlib.compress(raw, 1)
        specs.append({"name": name, "dtype": dtype, "shape": list(array.shape),
                      "offset": offset, "nbytes": len(raw), "z": z})
        blobs.append(raw + b"\0" * _pad(len(raw)))
        offset += len(raw) + _pad(len(raw))
    text = json.dumps(clean({**header, "arrays": specs}), separators=(",", ":"),
                      allow_nan=False).encode()
    head = MAGIC + struct.pack("<I", len(text)) + text
    return head + b"\0" * _pad(len(head)) + b"".join(blobs)


def unpack(data: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The inverse of ``pack`` (used by tests and benches; the browser has its own)."""
    if data[:4] != MAGIC:
        raise ValueError("not a live-view envelope")
    (n,) = struct.unpack("<I", data[4:8])
    header = json.loads(data[8:8 + n])
    body = 8 + n + _pad(8 + n)
    arrays = {}
    for spec in header.pop("arrays"):
        raw = data[body + spec["offset"]:body + spec["offset"] + spec["nbytes"]]
        if spec["z"]:
            raw = zlib.decompress(raw)
        dtype = np.dtype(DTYPES[spec["dtype"]]).newbyteorder("<")
        arrays[spec["name"]] = np.frombuffer(raw, dtype=dtype).reshape(spec["shape"])
    return header, arrays
