// The Playground's live view: Play/Pause, the metrics row and three Plotly charts whose
// changing parts (edges, neuron thumbnails, bias labels, the output over the plane) are
// painted on canvases inside the figures. The server sends a *scene* (the figures'
// fixed parts) when it changes and *frames* (palette-indexed pictures, float edge values,
// metrics) at every rerun; see viz/live_frames.py and viz/wire.py for the format.
//
// While playing, one rerun carries several frames, each an exact trainer state; they are
// shown one per animation frame at the rate they arrive, and the next batch is asked for
// (the "want" event) while the current one is on screen. Pause freezes the frame on
// screen at once and tells the server its step, so the trainer goes back to exactly it.

const PLOTLY_URL = new URL("app/static/plotly.min.js", document.baseURI).href;
const WIDTH_BUCKETS = 5;
const FONT = '"Open Sans", verdana, arial, sans-serif';
const MAX_QUEUE_MS = 600; // frames buffered ahead of the screen, at most (in display time)
const RETRY_MS = 2500; // a request for frames that got no answer is sent again
const TYPES = { uint8: Uint8Array, float32: Float32Array, float64: Float64Array,
                int32: Int32Array };

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__bpPlotly) {
    window.__bpPlotly = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = PLOTLY_URL;
      s.onload = () => resolve(window.Plotly);
      s.onerror = () => reject(new Error("could not load " + PLOTLY_URL));
      document.head.appendChild(s);
    });
  }
  return window.__bpPlotly;
}

// ---- the envelope (viz/wire.py) -------------------------------------------------------
async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function unpack(u8) {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (String.fromCharCode(u8[0], u8[1], u8[2], u8[3]) !== "BPL1") throw new Error("bad packet");
  const n = dv.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + n)));
  const body = 8 + n + ((8 - ((8 + n) % 8)) % 8);
  const arrays = {};
  for (const a of header.arrays) {
    let bytes = u8.subarray(body + a.offset, body + a.offset + a.nbytes);
    bytes = a.z ? await inflate(bytes) : bytes.slice(); // a copy starts aligned
    const T = TYPES[a.dtype];
    arrays[a.name] = { data: new T(bytes.buffer, 0, bytes.byteLength / T.BYTES_PER_ELEMENT),
                       shape: a.shape };
  }
  return { header, arrays };
}

function splitFrames(pk) {
  const { header: h, arrays: A } = pk;
  return h.frames.map((meta, k) => {
    const part = (name) => {
      const a = A[name];
      if (!a) return null;
      const size = a.shape.slice(1).reduce((x, y) => x * y, 1);
      return a.data.subarray(k * size, (k + 1) * size);
    };
    const P = A.params.shape[2];
    const params = part("params");
    return { ...meta, grid: part("grid"), gridSize: A.grid.shape[1], thumbs: part("thumbs"),
             thumbSize: A.thumbs.shape[2], nParams: P, values: params.subarray(0, P),
             grads: params.subarray(P, 2 * P), update: params.subarray(2 * P, 3 * P),
             opt: A.opt ? { slots: h.opt_slots, data: A.opt.data, n: A.opt.shape[1] } : null,
             batch: meta.batch || null };
  });
}

// ---- numbers as Python's format(v, ".Ng") writes them ---------------------------------
function stripZeros(s) {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

export function fmtG(v, p) {
  if (v === null || v === undefined || Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const sign = v < 0 ? "-" : "", a = Math.abs(v);
  let [m, e] = a.toExponential(p - 1).split("e");
  let x = parseInt(e, 10);
  // JavaScript rounds an exact tie away from zero, Python to the even digit: look at the
  // exact digits after the p-th (toExponential is exact to 100 digits).
  const [lm, le] = a.toExponential(Math.min(100, p + 30)).split("e");
  const d = lm.replace(".", "");
  if (d[p] === "5" && /^0*$/.test(d.slice(p + 1)) && Number(d[p - 1]) % 2 === 0) {
    m = d[0] + (p > 1 ? "." + d.slice(1, p) : "");
    x = parseInt(le, 10);
  }
  if (x < -4 || x >= p) {
    return sign + stripZeros(m) + "e" + (x < 0 ? "-" : "+") + String(Math.abs(x)).padStart(2, "0");
  }
  const digits = m.replace(".", "");
  const fixed = x >= 0 ? digits.slice(0, x + 1) + "." + digits.slice(x + 1)
    : "0." + "0".repeat(-x - 1) + digits;
  return sign + stripZeros(fixed);
}

// ---- set-up ---------------------------------------------------------------------------
function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

function mount(parent) {
  const root = el("div", "bp-live", parent);
  const top = el("div", "bp-top", root);
  const play = el("button", "bp-play", top);
  play.type = "button";
  play.textContent = "Play";
  const metrics = el("div", "bp-metrics", top);
  const progress = el("div", "bp-progress", root);
  progress.innerHTML = '<div class="bp-progress-bar"></div><span></span>';
  const note = el("div", "bp-note", root);
  const charts = el("div", "bp-charts", root);
  const cells = {}, gd = {}, under = {}, over = {};
  for (const name of ["network", "boundary", "loss"]) {
    const cell = el("div", "bp-cell bp-cell-" + name, charts);
    under[name] = el("canvas", "bp-under", cell);
    gd[name] = el("div", "bp-plot bp-chart bp-" + name, cell);
    over[name] = el("canvas", "bp-over", cell);
    cells[name] = cell;
  }
  const legendBox = el("div", "bp-legend", cells.network);  // right under the diagram
  const tip = el("div", "bp-tip", cells.network);
  const lossTip = el("div", "bp-tip", cells.loss);
  const caption = el("div", "bp-caption", root);
  const S = { root, play, metrics, progress, charts, note, legendBox, target: null, cells, gd, under, over, tip, lossTip, caption, queue: [],
              playing: false, pausing: false, playId: 0, inflight: false, reqT: 0, seq: 0,
              shown: null, scene: null, sceneId: null, lossId: null, loss: null,
              lossData: null, lossRange: null, lossHover: null, arrivals: [], lastShownT: 0,
              chain: Promise.resolve(), raf: null, hover: null, frames: 0, bound: false,
              images: {} };
  play.addEventListener("click", () => (S.playing ? pause(S) : start(S)));
  cells.loss.addEventListener("mousemove", (ev) => lossHover(S, ev));
  cells.loss.addEventListener("mouseleave", () => lossLeave(S));
  return S;
}

function lut(palette) {
  // 256 RGB triples -> RGBA words for a Uint32Array view of ImageData (little-endian).
  const out = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    out[i] = (255 << 24) | (palette[3 * i + 2] << 16) | (palette[3 * i + 1] << 8) |
             palette[3 * i];
  }
  return out;
}

function config(S, name) {
  const P = window.Plotly;
  return { displayModeBar: "hover", displaylogo: false, responsive: true, scrollZoom: false,
           modeBarButtons: [[{ name: "Download as PNG (step on screen)", icon: P.Icons.camera,
                               click: () => downloadPng(S, name) }]] };
}

async function applyScene(S, scene, P) {
  S.scene = scene;
  S.luts = scene.palettes.map(lut);
  S.boundaryLuts = scene.boundary.palettes.map(lut);  // faded: the points stand out on it
  S.root.classList.toggle("bp-presenter", !!scene.presenter);
  S.metrics.replaceChildren();
  S.metricValues = scene.metrics.map((m) => {
    const box = el("div", "bp-metric", S.metrics);
    const label = el("div", "bp-metric-label", box);
    label.textContent = m.label;
    if (m.help) box.title = m.help;
    const value = el("div", "bp-metric-value", box);
    value.setAttribute("data-label", m.label);
    return value;
  });
  S.caption.textContent = scene.selected || "";
  showLegend(S, scene.legend);
  setPlayButton(S);
  const g = scene.network.geometry;
  S.offsets = [0];
  for (let l = 0; l + 1 < g.sizes.length; l++) {
    S.offsets.push(S.offsets[l] + g.sizes[l] * g.sizes[l + 1]);
  }
  S.nEdges = S.offsets[S.offsets.length - 1];
  S.biasOffsets = [0];
  for (let l = 1; l < g.sizes.length; l++) S.biasOffsets.push(S.biasOffsets[l - 1] + g.sizes[l]);
  await Promise.all([
    P.react(S.gd.network, scene.network.figure.data,
            sized(scene.network.figure.layout, S, "network"), config(S, "network")),
    P.react(S.gd.boundary, scene.boundary.figure.data,
            sized(scene.boundary.figure.layout, S, "boundary"), config(S, "boundary")),
  ]);
  bindEvents(S);
}

// Presenting, the charts fill the screen below the metrics row: the scene's heights
// (1.5× the usual) shrink to what fits, never below 85 % of the usual size.
const PRESENTER_SCALE = 1.5, CHART_GAP = 12, MIN_FIT = 0.85;

function presenterHeights(S) {
  const base = S.scene.heights;
  if (!S.scene.presenter) return base;
  const room = window.innerHeight - S.charts.getBoundingClientRect().top - CHART_GAP -
               S.legendBox.offsetHeight;
  const floor = MIN_FIT * base.network / PRESENTER_SCALE;
  if (room < floor) return base; // cannot fit this screen anyway: full size, scroll to see
  const net = Math.min(base.network, room);
  const right = base.boundary + base.loss, boundary = Math.round(net * base.boundary / right);
  return { network: Math.round(net), boundary, loss: Math.round(net) - boundary - 4 };
}

function sized(layout, S, name) {
  const h = presenterHeights(S)[name];
  return h && h !== layout.height ? { ...layout, height: h } : layout;
}

function refit(S, P) {
  // Presenting: once the metrics row has its numbers (or the window changed), the charts
  // take the height left below it.
  if (!S.scene || !S.scene.presenter) return;
  const h = presenterHeights(S);
  for (const name of ["network", "boundary", "loss"]) {
    const gd = S.gd[name];
    if (gd._fullLayout && Math.abs(gd._fullLayout.height - h[name]) > 2) {
      P.relayout(gd, { height: h[name] });
    }
  }
}

// ---- what the colours mean, and a note for a first visit --------------------------------
const NOTE_SEEN = "bp-note-seen";

function showLegend(S, lg) {
  const box = S.legendBox;
  box.replaceChildren();
  const scale = el("div", "bp-scale", box);
  const bar = el("div", "bp-scale-bar", scale);
  bar.style.background = `linear-gradient(to right, ${lg.bar.join(", ")})`;
  const ticks = el("div", "bp-scale-ticks", scale);
  for (const t of lg.ticks) el("span", "", ticks).textContent = t;
  const text = el("div", "bp-legend-text", box);
  for (const [title, words] of lg.items) {
    const line = el("span", "bp-legend-item", text);
    el("b", "", line).textContent = title + ": ";
    line.appendChild(document.createTextNode(words));
    if (title === "Boundary" && lg.classes.length) {
      lg.classes.forEach((c, k) => {
        const sw = el("span", "bp-swatch", line);
        sw.style.background = c;
        sw.title = `class ${k}`;
      });
    }
  }
  showNote(S, lg.note);
}

function showNote(S, text) {
  let seen = false;
  try { seen = window.localStorage.getItem(NOTE_SEEN) === "1"; } catch (e) { /* private */ }
  // Not on a projector: the teacher explains, and the charts need the room.
  S.note.style.display = seen || S.scene.presenter ? "none" : "flex";
  if (seen || S.note.childElementCount) return;
  el("span", "bp-note-text", S.note).textContent = text;
  const close = el("button", "bp-note-close", S.note);
  close.type = "button";
  close.textContent = "Got it";
  close.addEventListener("click", () => {
    S.note.style.display = "none";
    try { window.localStorage.setItem(NOTE_SEEN, "1"); } catch (e) { /* private */ }
    refit(S, window.Plotly);
  });
}

function bindEvents(S) {
  if (S.bound) return;
  const net = S.gd.network, bd = S.gd.boundary;
  net.on("plotly_click", (ev) => {
    const p = ev.points && ev.points[0];
    if (p && p.customdata) S.setTriggerValue("clicked", p.customdata);
  });
  net.on("plotly_hover", (ev) => {
    const p = ev.points && ev.points[0];
    if (!p || !p.customdata) return;
    S.hover = { cd: p.customdata, x: ev.event ? ev.event.clientX : 0,
                y: ev.event ? ev.event.clientY : 0 };
    renderTip(S);
  });
  net.on("plotly_unhover", () => {
    S.hover = null;
    renderTip(S);
  });
  bd.addEventListener("click", (ev) => {
    const L = bd._fullLayout;
    if (!L) return;
    const xa = L.xaxis, ya = L.yaxis, box = bd.getBoundingClientRect();
    const px = ev.clientX - box.left - xa._offset, py = ev.clientY - box.top - ya._offset;
    if (px < 0 || py < 0 || px > xa._length || py > ya._length) return;
    S.setTriggerValue("added", [xa.p2l(px), ya.p2l(py)]);
  });
  // A resize or any re-layout moves the plot areas: paint the frame on screen again.
  for (const name of ["network", "boundary"]) {
    S.gd[name].on("plotly_afterplot", () => S.shown && paint(S, S.shown, name));
  }
  window.addEventListener("resize", () => refit(S, window.Plotly));
  S.bound = true;
}

// ---- the loss curve: Plotly draws the axes and legend, a canvas the curves -------------
function niceCeil(v) {
  // The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is >= v: axis ends
  // that change rarely while a curve grows (each change costs a Plotly redraw).
  if (!(v > 0)) return 1;
  const base = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 3, 4, 5, 6, 8, 10]) if (m * base >= v * (1 - 1e-12)) return m * base;
  return 10 * base;
}

function lossRanges(S) {
  const d = S.lossData, n = d.x.length;
  const x = [0, niceCeil(Math.max(n ? d.x[n - 1] : 1, 1))];
  let lo = Infinity, hi = -Infinity;
  for (const row of [d.train, d.test]) {
    for (const v of row) {
      if (!Number.isFinite(v) || (S.loss.log && v <= 0)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(hi)) return { x, y: S.loss.log ? [-1, 0] : [0, 1] };
  if (S.loss.log) {
    const a = Math.floor(Math.log10(lo) * 2) / 2, b = Math.ceil(Math.log10(hi) * 2) / 2;
    return { x, y: [a, Math.max(b, a + 0.5)] };
  }
  return { x, y: [lo < 0 ? -niceCeil(-lo * 1.02) : 0, niceCeil(hi * 1.02)] };
}

async function applyLoss(S, meta, arrays, P) {
  S.loss = meta;
  const x = Array.from(arrays.loss_x.data), n = x.length, Y = arrays.loss_y.data;
  S.lossData = { x, train: Array.from(Y.subarray(0, n)), test: Array.from(Y.subarray(n, 2 * n)),
                 acc: Array.from(Y.subarray(2 * n, 3 * n)) };
  const key = JSON.stringify(meta.figure);
  if (key === S.lossKey) {
    fitLossRanges(S);
    return;
  }
  // A new frame for the chart (task, scale, size): the only time Plotly redraws it fully.
  const layout = sized(JSON.parse(JSON.stringify(meta.figure.layout)), S, "loss");
  S.lossRange = lossRanges(S);
  layout.xaxis.range = S.lossRange.x;
  layout.yaxis.range = S.lossRange.y;
  await P.react(S.gd.loss, meta.figure.data, layout, config(S, "loss"));
  S.lossKey = key;
  if (!S.lossBound) {
    S.gd.loss.on("plotly_afterplot", () => paintLoss(S));
    S.lossBound = true;
  }
  paintLoss(S);
}

function fitLossRanges(S) {
  // Move the axes only when the curve left them (rare: their ends are round numbers).
  const r = lossRanges(S), old = S.lossRange;
  if (!old || r.x[1] !== old.x[1] || r.y[0] !== old.y[0] || r.y[1] !== old.y[1]) {
    S.lossRange = r;
    window.Plotly.relayout(S.gd.loss, { "xaxis.range": r.x, "yaxis.range": r.y });
  } else {
    paintLoss(S);
  }
}

function appendLoss(S, p) {
  // While playing: the frame's point joins the curve; past 800 points every other one
  // goes (each point left is an exact recorded value).
  const d = S.lossData;
  if (!d || !p || p[0] <= (d.x.length ? d.x[d.x.length - 1] : -1)) return false;
  d.x.push(p[0]);
  d.train.push(p[1] ?? NaN);
  d.test.push(p[2] ?? NaN);
  d.acc.push(p[3] ?? NaN);
  if (d.x.length > 800) {
    for (const key of ["x", "train", "test", "acc"]) {
      const a = d[key];
      d[key] = a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
    }
  }
  fitLossRanges(S);
  return true;
}

function strokeSeries(ctx, xs, ys, X, Y) {
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i];
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    const px = X(xs[i]), py = Y(v);
    if (!Number.isFinite(py)) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    pen = true;
  }
  ctx.stroke();
}

function lrAt(s, t) {
  // The closed forms of backprop_core/schedules.py (torch's schedulers, one step an update).
  if (s.name === "step") return s.base * s.gamma ** Math.floor(t / s.step_size);
  if (s.name === "exponential") return s.base * s.gamma ** t;
  if (s.name === "cosine") {
    return s.eta_min + (s.base - s.eta_min) * (1 + Math.cos(Math.PI * t / s.t_max)) / 2;
  }
  if (s.name === "warmup") {
    const f = s.start_factor;
    return s.base * (f + (1 - f) * Math.min(t, s.warmup_steps) / s.warmup_steps);
  }
  return s.base;
}

function paintSchedule(ctx, S, xa, L) {
  // The rate of every update across the whole step axis (the future included), ÷ the rate
  // set: at 1 the schedule leaves the rate as set. Integer steps, at most ~2 per pixel.
  const s = S.loss.schedule, y2 = L.yaxis2;
  if (!s || !y2) return;
  const end = xa.range[1], stride = Math.max(1, Math.floor(end / (2 * xa._length)));
  const xs = [], ys = [];
  for (let t = 0; t <= end; t += stride) {
    xs.push(t);
    ys.push(lrAt(s, t) / s.base);
  }
  const line = S.loss.schedule_line;
  ctx.strokeStyle = line.color;
  ctx.lineWidth = line.width;
  ctx.setLineDash([4 * line.width, 3 * line.width]);
  strokeSeries(ctx, xs, ys, (v) => xa._offset + xa.c2p(v), (v) => y2._offset + y2.c2p(v));
}

function paintLoss(S) {
  const gd = S.gd.loss, L = gd._fullLayout;
  if (!L || !L.xaxis || !S.lossData) return;
  const ctx = fitCanvas(S.over.loss, L), xa = L.xaxis, ya = L.yaxis, d = S.lossData;
  const X = (v) => xa._offset + xa.c2p(v), Y = (v) => ya._offset + ya.c2p(v);
  ctx.save();
  ctx.beginPath();
  ctx.rect(xa._offset, ya._offset, xa._length, ya._length);
  ctx.clip();
  ctx.lineJoin = "round";
  const style = (line) => {
    ctx.strokeStyle = line.color;
    ctx.lineWidth = line.width;
    ctx.setLineDash(line.dash === "dot" ? [line.width, 2 * line.width]
      : line.dash === "dash" ? [4 * line.width, 3 * line.width] : []);
  };
  if (S.loss.has_acc && L.yaxis2) {
    const y2 = L.yaxis2, Y2 = (v) => y2._offset + y2.c2p(v);
    style(S.loss.lines.acc);
    strokeSeries(ctx, d.x, d.acc, X, Y2);
  }
  if (S.loss.has_test) {
    style(S.loss.lines.test);
    strokeSeries(ctx, d.x, d.test, X, Y);
  }
  paintSchedule(ctx, S, xa, L);
  style(S.loss.lines.train);
  strokeSeries(ctx, d.x, d.train, X, Y);
  const marks = [];
  if (!S.playing && S.loss.current !== null) marks.push([S.loss.current, S.loss.lines.current]);
  if (S.lossHover !== null && S.lossHover !== undefined) {
    marks.push([d.x[S.lossHover], { color: "#555", width: 1, dash: "dot" }]);
  }
  for (const [x, line] of marks) {
    style(line);
    ctx.beginPath();
    ctx.moveTo(X(x), ya._offset);
    ctx.lineTo(X(x), ya._offset + ya._length);
    ctx.stroke();
  }
  ctx.restore();
}

function lossHover(S, ev) {
  const gd = S.gd.loss, L = gd._fullLayout, d = S.lossData;
  if (!L || !L.xaxis || !d || !d.x.length) return;
  const box = gd.getBoundingClientRect(), xa = L.xaxis, ya = L.yaxis;
  const px = ev.clientX - box.left - xa._offset, py = ev.clientY - box.top - ya._offset;
  if (px < 0 || py < 0 || px > xa._length || py > ya._length) {
    lossLeave(S);
    return;
  }
  const x = xa.p2c(px);
  let lo = 0, hi = d.x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (d.x[mid] < x) lo = mid;
    else hi = mid;
  }
  const k = Math.abs(d.x[lo] - x) <= Math.abs(d.x[hi] - x) ? lo : hi;
  S.lossHover = k;
  const lines = [`<b>step ${d.x[k]}</b>`, `train loss ${fmtG(d.train[k], 4)}`];
  if (S.loss.has_test) lines.push(`test loss ${fmtG(d.test[k], 4)}`);
  if (S.loss.has_acc) lines.push(`train accuracy ${fmtG(d.acc[k], 4)}`);
  const tip = S.lossTip;
  tip.innerHTML = lines.join("<br>");
  tip.style.display = "block";
  const left = xa._offset + xa.c2p(d.x[k]) + 10;
  tip.style.left = (left + tip.offsetWidth > box.width ? left - tip.offsetWidth - 20 : left) + "px";
  tip.style.top = ya._offset + 4 + "px";
  paintLoss(S);
}

function lossLeave(S) {
  if (S.lossHover === null) return;
  S.lossHover = null;
  S.lossTip.style.display = "none";
  paintLoss(S);
}

// ---- painting one frame ---------------------------------------------------------------
function fitCanvas(canvas, L) {
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

function mapper(L) {
  const xa = L.xaxis, ya = L.yaxis;
  return [(x) => xa._offset + xa.l2p(x), (y) => ya._offset + ya.l2p(y)];
}

function image(S, key, w, h) {
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

function paintBoundary(S, f) {
  const gd = S.gd.boundary, L = gd._fullLayout;
  if (!L || !L.xaxis) return;
  const ctx = fitCanvas(S.under.boundary, L), over = fitCanvas(S.over.boundary, L);
  const [X, Y] = mapper(L);
  const [xmin, xmax, ymin, ymax] = S.scene.boundary.extent;
  const R = f.gridSize, im = image(S, "grid", R, R);
  const colours = S.boundaryLuts[S.scene.boundary_palette];
  for (let i = 0; i < R * R; i++) im.px[i] = colours[f.grid[i]];
  im.ctx.putImageData(im.data, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(im.canvas, X(xmin), Y(ymax), X(xmax) - X(xmin), Y(ymin) - Y(ymax));
  if (f.batch) {
    over.strokeStyle = S.scene.boundary.batch;
    over.lineWidth = 2.5;
    for (let k = 0; k < f.batch.length; k += 2) {
      over.beginPath();
      over.arc(X(f.batch[k]), Y(f.batch[k + 1]), 7.5, 0, 2 * Math.PI);
      over.stroke();
    }
  }
}

function edgeRow(S, f) {
  const mode = S.scene.mode;
  if (mode === "gradients" && !Number.isNaN(f.grads[0])) return f.grads;
  if (mode === "updates" && !Number.isNaN(f.update[0])) return f.update;
  return f.values;
}

function paintFrozenEdges(S, ctx, X, Y, start) {
  // A frozen weight keeps its value: drawn dashed, dark, over its coloured line.
  const frozen = (S.scene.frozen || []).filter((idx) => idx < S.nEdges);
  if (!frozen.length) return;
  const g = S.scene.network.geometry, half = g.node / 2, sizes = g.sizes;
  ctx.save();
  ctx.setLineDash([5, 4]);
  ctx.strokeStyle = "#222";
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

function paintNetwork(S, f) {
  const gd = S.gd.network, L = gd._fullLayout;
  if (!L || !L.xaxis) return;
  const ctx = fitCanvas(S.under.network, L);
  const [X, Y] = mapper(L);
  const g = S.scene.network.geometry, half = g.node / 2, nodes = g.nodes, sizes = g.sizes;
  const start = [0];
  for (let l = 0; l < sizes.length; l++) start.push(start[l] + sizes[l]);
  // Edges, bucketed by sign and width as the figure used to be (one path per bucket).
  const V = edgeRow(S, f);
  let top = 0;
  for (let e = 0; e < S.nEdges; e++) top = Math.max(top, Math.abs(V[e]) || 0);
  top = top || 1;
  const paths = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (let i = 0; i < sizes[l]; i++) {
      const a = nodes[start[l] + i];
      for (let j = 0; j < sizes[l + 1]; j++) {
        const v = V[S.offsets[l] + i * sizes[l + 1] + j];
        const level = Math.min(Math.floor((Math.abs(v) / top) * WIDTH_BUCKETS) || 0,
                               WIDTH_BUCKETS - 1);
        const key = (v >= 0 ? 0 : WIDTH_BUCKETS) + level;
        const b = nodes[start[l + 1] + j];
        const p = paths[key] || (paths[key] = new Path2D());
        p.moveTo(X(a[0] + half), Y(a[1]));
        p.lineTo(X(b[0] - half), Y(b[1]));
      }
    }
  }
  const colours = g.colours;
  paths.forEach((p, key) => {
    if (!p) return;
    const level = key % WIDTH_BUCKETS;
    ctx.strokeStyle = key < WIDTH_BUCKETS ? colours.positive : colours.negative;
    ctx.globalAlpha = 0.35 + 0.13 * level;
    ctx.lineWidth = 0.6 + 1.6 * level;
    ctx.stroke(p);
  });
  ctx.globalAlpha = 1;
  paintFrozenEdges(S, ctx, X, Y, start);
  // Thumbnails: all neurons in one strip image, then each tile scaled into its square.
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
  // Bias (or δ, or Δb) under every neuron that has one.
  const mode = S.scene.mode, hasGrad = !Number.isNaN(f.grads[0]);
  const hasUpdate = !Number.isNaN(f.update[0]);
  const [prefix, row] = mode === "gradients" && hasGrad ? ["δ ", f.grads]
    : mode === "updates" && hasUpdate ? ["Δb ", f.update] : ["b ", f.values];
  // Each on a white label of its own: with many neurons the edges run right under them.
  const px = g.font - 2;
  ctx.font = `${px}px ${FONT}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  S.labelBoxes = [];
  for (let k = sizes[0]; k < n; k++) {
    const [x, y] = nodes[k];
    const at = S.nEdges + k - sizes[0], frozen = (S.scene.frozen || []).includes(at);
    const text = prefix + fmtG(row[at], 2) + (frozen ? " (frozen)" : "");
    const cx = X(x), cy = Y(y - half - 0.12), w = ctx.measureText(text).width + 4;
    const box = [cx - w / 2, cy - px / 2 - 1, w, px + 2];
    ctx.fillStyle = "rgba(255, 255, 255, 0.92)";
    ctx.fillRect(...box);
    if (frozen) {
      ctx.setLineDash([3, 2]);
      ctx.strokeStyle = "#333";
      ctx.lineWidth = 1;
      ctx.strokeRect(...box);
      ctx.setLineDash([]);
    }
    ctx.fillStyle = "#333";
    ctx.fillText(text, cx, cy);
    S.labelBoxes.push(box);
  }
  // Where they are, for tests (canvas px).
  S.root.bpLabelBoxes = S.labelBoxes;
  S.root.bpNodeBoxes = S.nodeBoxes;
}

function paintProgress(S, f) {
  // Playing up to a share link's step: how far, and that Pause stops there.
  const on = S.playing && S.target !== null && S.target !== undefined;
  S.progress.style.display = on ? "block" : "none";
  if (!on) return;
  const part = Math.min(1, f.step / Math.max(1, S.target));
  S.progress.firstChild.style.width = (100 * part).toFixed(1) + "%";
  S.progress.lastChild.textContent = `${S.targetText}: step ${f.step.toLocaleString("en")} ` +
    `of ${S.target.toLocaleString("en")}. Pause stops here.`;
}

function paintMetrics(S, f) {
  f.metrics.forEach((text, i) => {
    const box = S.metricValues[i];
    if (box && box.textContent !== text) box.textContent = text;
  });
  S.root.dataset.step = f.step;
}

function paint(S, f, only) {
  if (!S.scene) return;
  if (!only || only === "boundary") paintBoundary(S, f);
  if (!only || only === "network") paintNetwork(S, f);
}

function sameArray(a, b) {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
}

// Whether frame ``b`` paints exactly what ``a`` painted: the same numbers everywhere (the
// pictures follow from them and the scene, which is compared apart; the optimizer's state
// shows only in a hover).
function sameFrame(a, b) {
  if (!a || !b) return false;
  const meta = (f) => JSON.stringify([f.step, f.epoch, f.phase, f.metrics, f.loss, f.batch,
                                      f.grad_of]);
  return meta(a) === meta(b) && sameArray(a.values, b.values) &&
    sameArray(a.grads, b.grads) && sameArray(a.update, b.update) &&
    sameArray(a.grid, b.grid) && sameArray(a.thumbs, b.thumbs);
}

function show(S, f) {
  mark("show");
  S.shown = f;
  paint(S, f);
  paintMetrics(S, f);
  paintProgress(S, f);
  S.frames += 1;
  S.root.dataset.frames = S.frames;
  if (S.hover) renderTip(S);
}

// ---- tooltip --------------------------------------------------------------------------
function optText(f, index) {
  if (!f.opt || !f.opt.slots || !f.opt.slots.length) return "";
  const parts = f.opt.slots.map((slot, s) => `${slot} ${fmtG(f.opt.data[s * f.opt.n + index], 4)}`);
  return "<br>optimizer: " + parts.join(", ");
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                  '"': "&quot;", "'": "&#39;" })[c]);
}

function gradStep(f) {
  // Which mini-batch a gradient belongs to: after Backward, the step in progress; after a
  // whole step, the step that used it (its Δw is then that same step's).
  if (f.grad_of === "next") return `(step ${f.step + 1}'s batch: a preview at these weights)`;
  return f.phase === 2 ? `(step ${f.step + 1}'s batch, not applied yet)` : `(step ${f.step}'s batch)`;
}

function tipText(S, f, cd) {
  const g = S.scene.network.geometry, [layer, a, b] = cd;
  const hasGrad = !Number.isNaN(f.grads[0]), hasUpdate = !Number.isNaN(f.update[0]);
  const lines = [];
  if (b >= 0) {
    const idx = S.offsets[layer] + a * g.sizes[layer + 1] + b;
    lines.push(`<b>${escapeHtml(g.names[idx])}</b>: w = ${fmtG(f.values[idx], 4)}`);
    if (hasGrad) lines.push(`∂C/∂w = ${fmtG(f.grads[idx], 4)} ${gradStep(f)}`);
    if (hasUpdate) lines.push(`Δw = ${fmtG(f.update[idx], 4)} (step ${f.step}'s update)`);
    return lines.join("<br>") + frozenText(S, idx) + optText(f, idx);
  }
  if (layer === 0) return `<b>input <span class="bp-name">${escapeHtml(g.labels[a])}</span></b>`;
  const idx = S.nEdges + S.biasOffsets[layer - 1] + a;
  lines.push(`<b>layer ${layer} neuron ${a}</b> (${g.activations[layer - 1]})`);
  lines.push(`bias ${escapeHtml(g.names[idx])} = ${fmtG(f.values[idx], 4)}`);
  if (hasGrad) lines.push(`δ summed = ∂C/∂b = ${fmtG(f.grads[idx], 4)} ${gradStep(f)}`);
  if (hasUpdate) lines.push(`Δb = ${fmtG(f.update[idx], 4)} (step ${f.step}'s update)`);
  return lines.join("<br>") + frozenText(S, idx) + optText(f, idx);
}

function frozenText(S, idx) {
  return (S.scene.frozen || []).includes(idx)
    ? "<br><i>frozen: its gradient is never applied</i>" : "";
}

function renderTip(S) {
  const tip = S.tip;
  if (!S.hover || !S.shown || !S.scene) {
    tip.style.display = "none";
    return;
  }
  tip.innerHTML = tipText(S, S.shown, S.hover.cd);
  tip.style.display = "block";
  const box = S.cells.network.getBoundingClientRect();
  let x = S.hover.x - box.left + 14;
  const y = S.hover.y - box.top + 14;
  if (x + tip.offsetWidth > box.width) x = Math.max(0, S.hover.x - box.left - tip.offsetWidth - 14);
  tip.style.left = x + "px";
  tip.style.top = y + "px";
}

// ---- playing --------------------------------------------------------------------------
function setPlayButton(S) {  // only what differs: a rerun changes nothing it need not
  const text = S.playing ? "Pause" : "Play", off = !S.playing && !!S.scene && !S.scene.can_play;
  if (S.play.textContent !== text) S.play.textContent = text;
  if (S.play.disabled !== off) S.play.disabled = off;
}

function start(S) {
  if (S.scene && !S.scene.can_play) return;
  S.playId = Date.now() % 2147483647;
  S.playing = true;
  S.pausing = false;
  S.queue = [];
  S.arrivals = [];
  S.inflight = true;
  S.reqT = performance.now();
  setPlayButton(S);
  S.setTriggerValue("play", { id: S.playId });
  loop(S);
}

function pause(S) {
  S.playing = false;
  S.pausing = true;
  S.queue = [];
  setPlayButton(S);
  if (S.raf) cancelAnimationFrame(S.raf);
  S.raf = null;
  S.setTriggerValue("pause", { id: S.playId, step: S.shown ? S.shown.step : -1 });
}

function arrivalRate(S, now) {
  // Frames received per second over the last two seconds.
  S.arrivals = S.arrivals.filter(([t]) => now - t < 2000);
  if (S.arrivals.length < 2) return 0;
  const n = S.arrivals.slice(1).reduce((sum, [, k]) => sum + k, 0);
  return (1000 * n) / Math.max(1, now - S.arrivals[0][0]);
}

function request(S, now) {
  // Enough frames to cover about two round trips at 60 frames/s: the next
  // batch is on its way while this one is on screen (the server caps it by time).
  const rtt = S.rtt || 100;
  S.inflight = true;
  S.reqT = now;
  S.seq += 1;
  const n = Math.max(8, Math.min(30, Math.ceil((rtt / 1000) * 60 * 2)));
  S.setTriggerValue("want", { id: S.playId, n, seq: S.seq });
}

function loop(S) {
  if (S.raf) return;
  const tick = (now) => {
    S.raf = null;
    if (!S.playing) return;
    const rate = arrivalRate(S, now);
    // Show frames at the rate they arrive (a steady picture, not bursts), faster when
    // the buffer grows, never more than one per animation frame.
    // (A little faster than they arrive: showing exactly at that rate would let the jitter
    // of animation frames hold both rates below what the server can make.)
    const interval = rate > 0 ? 1000 / rate : 0;
    const behind = S.queue.length > Math.max(3, (rate * MAX_QUEUE_MS) / 2000);
    if (S.queue.length && now - S.lastShownT >= (behind ? 0 : interval * 0.75)) {
      const f = S.queue.shift();
      show(S, f);
      appendLoss(S, f.loss);
      S.lastShownT = now;
    }
    const ahead = (S.queue.length * 1000) / Math.max(rate, 1);
    if ((!S.inflight && ahead < MAX_QUEUE_MS) || (S.inflight && now - S.reqT > RETRY_MS)) {
      request(S, now);
    }
    S.raf = requestAnimationFrame(tick);
  };
  S.raf = requestAnimationFrame(tick);
}

async function handle(S, u8, P) {
  const pk = await unpack(u8);
  const h = pk.header;
  if (h.scene) await applyScene(S, h.scene, P);
  if (!S.scene) {
    S.setTriggerValue("scene", Date.now());
    return;
  }
  if (h.loss) await applyLoss(S, h.loss, pk.arrays, P);
  const frames = splitFrames(pk);
  const now = performance.now();
  S.target = h.target;
  S.targetText = h.target_text || "Opening the link";
  if (!h.playing) {
    S.playing = false;
    S.pausing = false;
    S.queue = [];
    S.inflight = false;
    setPlayButton(S);
    const p = h.previews || {};
    S.previews = { phase: frames[p.phase], step: frames[p.step] };
    // The state a click's preview already shows comes back from its rerun: nothing moves.
    if (frames.length && (h.scene || !sameFrame(S.shown, frames[0]))) {
      show(S, frames[0]);
    } else if (frames.length) {
      S.shown.opt = frames[0].opt;  // the optimizer's state after the step, for the hovers
    }
    refit(S, P);
    return;
  }
  S.previews = {};
  if (S.pausing || (S.playing && h.play_id !== S.playId)) return; // from before a Pause
  if (!S.playing) {
    // The server is playing but this view did not ask (e.g. mounted again): follow it.
    S.playing = true;
    S.playId = h.play_id;
    setPlayButton(S);
    loop(S);
  }
  if (S.inflight) S.rtt = S.rtt ? 0.7 * S.rtt + 0.3 * (now - S.reqT) : now - S.reqT;
  S.inflight = false;
  S.arrivals.push([now, frames.length]);
  S.queue.push(...frames);
  if (!S.shown && S.queue.length) show(S, S.queue.shift());
}

// ---- PNG of a chart as it is on screen (the canvases included) -------------------------
async function downloadPng(S, name) {
  const P = window.Plotly, gd = S.gd[name], L = gd._fullLayout, scale = 2;
  const url = await P.toImage(gd, { format: "png", width: L.width, height: L.height, scale });
  const img = new Image();
  await new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = reject;
    img.src = url;
  });
  const c = document.createElement("canvas");
  c.width = L.width * scale;
  c.height = L.height * scale;
  const ctx = c.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(S.under[name], 0, 0, c.width, c.height);
  ctx.drawImage(img, 0, 0, c.width, c.height);
  ctx.drawImage(S.over[name], 0, 0, c.width, c.height);
  const a = document.createElement("a");
  a.download = `backprop-playground-${name}-step${S.shown ? S.shown.step : 0}.png`;
  a.href = c.toDataURL("image/png");
  a.click();
}

// ---- a click on Step or a phase button shows the state it leads to at once -------------
// Every paused packet carries what the next phase and the next Step will show, computed
// by the engine on a copy of the trainer. The stepping bar (ui/stepping_bar.js) logs the
// click for the server, which runs the very same phase and brings the identical state;
// until then, the picture and the metrics are already here. Only for a click on the state
// this packet was made for (``fresh``: no click before it still queued).
const PREVIEW_KINDS = { step: "step", forward: "phase", backward: "phase", update: "phase" };

function previewOnClick(S, detail) {
  const frame = detail.fresh && !S.playing && S.previews
    ? S.previews[PREVIEW_KINDS[detail.kind]] : null;
  S.previews = {}; // one click, one preview: the next one waits for the server
  if (!frame) return;
  mark("preview");
  show(S, frame);
  if (S.loss) S.loss.current = frame.step;  // the loss chart's marker of the step shown
  if (!appendLoss(S, frame.loss)) paintLoss(S);
  mark("preview-shown");
}

function mark(what) {
  // Benches set window.__bpTrace = [] to see when packets arrive and frames are painted.
  if (window.__bpTrace) window.__bpTrace.push([what, performance.now()]);
}

// ---- Streamlit's toasts ("Reset: …", "Added a point …") ---------------------------------
// ui/live_view.css pins them to the bottom right; while the metrics row is down there (the
// page scrolled so) they go to the top right instead: a notice never covers the metrics.
const TOASTS = '[data-testid="stToastContainer"]';

function placeToasts(S) {
  const box = document.querySelector(TOASTS);
  if (!box || !S.metrics.isConnected) return;
  const m = S.metrics.getBoundingClientRect(), h = box.getBoundingClientRect().height;
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const top = window.innerHeight - h - rem;  // their top edge at the bottom right (1rem up)
  document.documentElement.classList.toggle("bp-toasts-top", top < m.bottom);
}

function guardToasts(S) {
  const guard = window.__bpToasts;
  if (guard) {  // listening already (another mount of the view): measure this one's metrics
    guard.S = S;
    return;
  }
  const g = (window.__bpToasts = { S, raf: 0, watched: null });
  const later = () => {
    const box = document.querySelector(TOASTS);
    if (box && box !== g.watched) {  // toasts come and go inside it: watch it too
      g.watched = box;
      new MutationObserver(later).observe(box, { childList: true, subtree: true });
    }
    if (!g.raf) g.raf = requestAnimationFrame(() => { g.raf = 0; placeToasts(g.S); });
  };
  document.addEventListener("scroll", later, { capture: true, passive: true });
  window.addEventListener("resize", later);
  new MutationObserver(later).observe(document.body, { childList: true });
  later();
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  mark("data");
  let S = parentElement.__bp;
  if (!S) {
    S = parentElement.__bp = mount(parentElement);
    guardToasts(S);
  }
  window.__bpLive = S;  // the view the stepping bar's clicks preview on (the newest mount)
  if (!window.__bpPreviews) {
    window.__bpPreviews = true;
    window.addEventListener("bp:click", (ev) => {
      const view = window.__bpLive;
      if (view && view.root.isConnected) previewOnClick(view, ev.detail);
    });
  }
  S.setTriggerValue = setTriggerValue;
  if (!data) return;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  S.chain = S.chain
    .then(() => loadPlotly())
    .then((P) => handle(S, bytes, P))
    .catch((e) => console.error("live view:", e));
}
