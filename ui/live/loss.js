// The loss chart: Plotly draws the axes and legend, a canvas the curves, the schedule's
// learning rates (sent per step by the server) and the step markers; a hover of its own.
import { dash, fitCanvas } from "./dom.js";
import { sized } from "./layout.js";
import { fmtG } from "./numbers.js";
import { config } from "./plotly.js";

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

export async function applyLoss(S, meta, arrays, P) {
  S.loss = meta;
  const x = Array.from(arrays.loss_x.data), n = x.length, Y = arrays.loss_y.data;
  S.lossData = { x, train: Array.from(Y.subarray(0, n)), test: Array.from(Y.subarray(n, 2 * n)),
                 acc: Array.from(Y.subarray(2 * n, 3 * n)) };
  S.schedule = meta.schedule ? { x: arrays.schedule_x.data, y: arrays.schedule_y.data } : null;
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

export function appendLoss(S, p) {
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

function strokeSeries(ctx, xs, ys, X, Y, end = Infinity) {
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
    if (xs[i] >= end) break;  // the rest is off the axis
  }
  ctx.stroke();
}

export function paintLoss(S) {
  const gd = S.gd.loss, L = gd._fullLayout;
  if (!L || !L.xaxis || !S.lossData) return;
  const ctx = fitCanvas(S.over.loss, L), xa = L.xaxis, ya = L.yaxis, d = S.lossData;
  const X = (v) => xa._offset + xa.c2p(v), Y = (v) => ya._offset + ya.c2p(v);
  const lines = S.loss.lines;
  ctx.save();
  ctx.beginPath();
  ctx.rect(xa._offset, ya._offset, xa._length, ya._length);
  ctx.clip();
  ctx.lineJoin = "round";
  const style = (line) => {
    ctx.strokeStyle = line.color;
    ctx.lineWidth = line.width;
    ctx.setLineDash(dash(line));
  };
  const y2 = L.yaxis2, Y2 = y2 ? (v) => y2._offset + y2.c2p(v) : null;
  if (S.loss.has_acc && Y2) {
    style(lines.acc);
    strokeSeries(ctx, d.x, d.acc, X, Y2);
  }
  if (S.loss.has_test) {
    style(lines.test);
    strokeSeries(ctx, d.x, d.test, X, Y);
  }
  if (S.schedule && Y2) {  // the rate of every update ÷ the rate set, the future included
    style(lines.schedule);
    strokeSeries(ctx, S.schedule.x, S.schedule.y, X, Y2, xa.range[1]);
  }
  style(lines.train);
  strokeSeries(ctx, d.x, d.train, X, Y);
  const marks = [];
  if (!S.playing && S.loss.current !== null) marks.push([S.loss.current, lines.current]);
  if (S.lossHover !== null && S.lossHover !== undefined) {
    marks.push([d.x[S.lossHover], lines.hover]);
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

export function lossHover(S, ev) {
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
  const names = S.loss.names, digits = S.scene.network.geometry.digits.tip;
  const line = (key) => `${names[key]} ${fmtG(d[key][k], digits)}`;
  const lines = [`<b>step ${d.x[k]}</b>`, line("train")];
  if (S.loss.has_test) lines.push(line("test"));
  if (S.loss.has_acc) lines.push(line("acc"));
  const tip = S.lossTip;
  tip.innerHTML = lines.join("<br>");
  tip.style.display = "block";
  const left = xa._offset + xa.c2p(d.x[k]) + 10;
  tip.style.left = (left + tip.offsetWidth > box.width ? left - tip.offsetWidth - 20 : left) + "px";
  tip.style.top = ya._offset + 4 + "px";
  paintLoss(S);
}

export function lossLeave(S) {
  if (S.lossHover === null) return;
  S.lossHover = null;
  S.lossTip.style.display = "none";
  paintLoss(S);
}
