// The diagram's changing parts on a canvas under Plotly's figure: edges (bucketed by sign
// and width, one path per bucket), neuron thumbnails, and a label under every neuron.
// Widths, opacities, colours, digits and words all come in the scene (viz/network.py).
import { fitCanvas, image, mapper } from "./dom.js";
import { fmtG } from "./numbers.js";

export function layout(S, g) {
  // Where each layer's weights and biases start in a frame's parameter rows.
  S.offsets = [0];
  for (let l = 0; l + 1 < g.sizes.length; l++) {
    S.offsets.push(S.offsets[l] + g.sizes[l] * g.sizes[l + 1]);
  }
  S.nEdges = S.offsets[S.offsets.length - 1];
  S.biasOffsets = [0];
  for (let l = 1; l < g.sizes.length; l++) S.biasOffsets.push(S.biasOffsets[l - 1] + g.sizes[l]);
}

// What the edges and labels show: the mode's row, or the values where it has none yet.
function shownRow(S, f) {
  const mode = S.scene.mode;
  if (mode === "gradients" && !Number.isNaN(f.grads[0])) return ["gradients", f.grads];
  if (mode === "updates" && !Number.isNaN(f.update[0])) return ["updates", f.update];
  return ["weights", f.values];
}

function paintFrozenEdges(S, ctx, X, Y, start) {
  // A frozen weight keeps its value: drawn dashed, dark, over its coloured line.
  const frozen = (S.scene.frozen || []).filter((idx) => idx < S.nEdges);
  if (!frozen.length) return;
  const g = S.scene.network.geometry, half = g.node / 2, sizes = g.sizes;
  ctx.save();
  ctx.setLineDash([5, 4]);
  ctx.strokeStyle = g.colours.frozen;
  ctx.lineWidth = 2;
  for (const idx of frozen) {
    let l = 0;
    while (l + 1 < S.offsets.length && idx >= S.offsets[l + 1]) l++;
    const rest = idx - S.offsets[l], i = Math.floor(rest / sizes[l + 1]);
    const a = g.nodes[start[l] + i], b = g.nodes[start[l + 1] + rest % sizes[l + 1]];
    ctx.beginPath();
    ctx.moveTo(X(a[0] + half), Y(a[1]));
    ctx.lineTo(X(b[0] - half), Y(b[1]));
    ctx.stroke();
  }
  ctx.restore();
}

function paintEdges(S, ctx, X, Y, V, start) {
  const g = S.scene.network.geometry, half = g.node / 2, nodes = g.nodes, sizes = g.sizes;
  const buckets = g.edge_widths.length;
  let top = 0;
  for (let e = 0; e < S.nEdges; e++) top = Math.max(top, Math.abs(V[e]) || 0);
  top = top || 1;
  const paths = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (let i = 0; i < sizes[l]; i++) {
      const a = nodes[start[l] + i];
      for (let j = 0; j < sizes[l + 1]; j++) {
        const v = V[S.offsets[l] + i * sizes[l + 1] + j];
        const level = Math.min(Math.floor((Math.abs(v) / top) * buckets) || 0, buckets - 1);
        const key = (v >= 0 ? 0 : buckets) + level;
        const b = nodes[start[l + 1] + j];
        const p = paths[key] || (paths[key] = new Path2D());
        p.moveTo(X(a[0] + half), Y(a[1]));
        p.lineTo(X(b[0] - half), Y(b[1]));
      }
    }
  }
  paths.forEach((p, key) => {
    if (!p) return;
    const level = key % buckets;
    ctx.strokeStyle = key < buckets ? g.colours.positive : g.colours.negative;
    ctx.globalAlpha = g.edge_alphas[level];
    ctx.lineWidth = g.edge_widths[level];
    // Sign by shape too, for who cannot tell the colours apart: negative ones dashed.
    ctx.setLineDash(g.sign_cue && key >= buckets ? g.negative_dashes[level] : []);
    ctx.stroke(p);
  });
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
}

function paintThumbs(S, f, ctx, X, Y) {
  // All neurons in one strip image, then each tile scaled into its square.
  const g = S.scene.network.geometry, half = g.node / 2, nodes = g.nodes;
  const r = f.thumbSize, n = nodes.length, im = image(S, "thumbs", r * n, r);
  for (let k = 0; k < n; k++) {
    const colours = S.luts[S.scene.thumb_palettes[k]], src = f.thumbs, base = k * r * r;
    for (let y = 0; y < r; y++) {
      for (let x = 0; x < r; x++) im.px[y * r * n + k * r + x] = colours[src[base + y * r + x]];
    }
  }
  im.ctx.putImageData(im.data, 0, 0);
  ctx.imageSmoothingEnabled = false;
  S.nodeBoxes = [];
  for (let k = 0; k < n; k++) {
    const [x, y] = nodes[k], x0 = X(x - half), y0 = Y(y + half);
    const box = [x0, y0, X(x + half) - x0, Y(y - half) - y0];
    ctx.drawImage(im.canvas, k * r, 0, r, r, ...box);
    S.nodeBoxes.push(box);
  }
}

function paintLabels(S, f, ctx, X, Y, family) {
  // Bias (or δ, or Δb) under every neuron that has one, each on a label of its own: with
  // many neurons the edges run right under them.
  const g = S.scene.network.geometry, half = g.node / 2, nodes = g.nodes;
  const [shown, row] = shownRow(S, f), prefix = g.label_prefix[shown], C = g.colours;
  const px = g.label_font.size;
  ctx.font = `${px}px ${family}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  S.labelBoxes = [];
  for (let k = g.sizes[0]; k < nodes.length; k++) {
    const [x, y] = nodes[k];
    const at = S.nEdges + k - g.sizes[0], frozen = (S.scene.frozen || []).includes(at);
    const text = prefix + fmtG(row[at], g.digits.label) + (frozen ? g.label_frozen : "");
    const cx = X(x), cy = Y(y - half - g.label_drop), w = ctx.measureText(text).width + 4;
    const box = [cx - w / 2, cy - px / 2 - 1, w, px + 2];
    ctx.fillStyle = C.label_background;
    ctx.fillRect(...box);
    if (frozen) {
      ctx.setLineDash([3, 2]);
      ctx.strokeStyle = C.label;
      ctx.lineWidth = 1;
      ctx.strokeRect(...box);
      ctx.setLineDash([]);
    }
    ctx.fillStyle = g.label_font.color;
    ctx.fillText(text, cx, cy);
    S.labelBoxes.push(box);
  }
}

export function paintNetwork(S, f) {
  const gd = S.gd.network, L = gd._fullLayout;
  if (!L || !L.xaxis) return;
  const ctx = fitCanvas(S.under.network, L);
  const [X, Y] = mapper(L);
  const sizes = S.scene.network.geometry.sizes, start = [0];
  for (let l = 0; l < sizes.length; l++) start.push(start[l] + sizes[l]);
  paintEdges(S, ctx, X, Y, shownRow(S, f)[1], start);
  paintFrozenEdges(S, ctx, X, Y, start);
  paintThumbs(S, f, ctx, X, Y);
  paintLabels(S, f, ctx, X, Y, L.font.family);
  // Where they are, for tests (canvas px).
  S.root.bpLabelBoxes = S.labelBoxes;
  S.root.bpNodeBoxes = S.nodeBoxes;
}
