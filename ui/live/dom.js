// Making elements, and the canvases the frames are painted on over Plotly's plot areas.

export function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

export function fitCanvas(canvas, L) {
  // The canvas as large as the figure (in device pixels), cleared.
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(L.width * dpr), h = Math.round(L.height * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = L.width + "px";
    canvas.style.height = L.height + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, L.width, L.height);
  return ctx;
}

export function mapper(L) {
  // Data coordinates -> canvas px of a figure's plot area.
  const xa = L.xaxis, ya = L.yaxis;
  return [(x) => xa._offset + xa.l2p(x), (y) => ya._offset + ya.l2p(y)];
}

export function lut(palette) {
  // 256 RGB triples -> RGBA words for a Uint32Array view of ImageData (little-endian).
  const out = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    out[i] = (255 << 24) | (palette[3 * i + 2] << 16) | (palette[3 * i + 1] << 8) |
             palette[3 * i];
  }
  return out;
}

export function image(S, key, w, h) {
  // A reusable off-screen canvas with its ImageData, for palette-indexed pictures.
  let im = S.images[key];
  if (!im || im.canvas.width !== w || im.canvas.height !== h) {
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d");
    const data = ctx.createImageData(w, h);
    im = S.images[key] = { canvas, ctx, data, px: new Uint32Array(data.data.buffer) };
  }
  return im;
}

export function dash(line) {
  // A Plotly line's dash as a canvas dash pattern.
  return line.dash === "dot" ? [line.width, 2 * line.width]
    : line.dash === "dash" ? [4 * line.width, 3 * line.width] : [];
}
