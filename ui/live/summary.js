// Text alternatives for the three charts: each plot's accessible name is a short summary
// of the frame on screen, from the numbers the frame and the scene already carry. While
// playing it is written at most once a second (a screen reader need not hear every frame).
import { fmtG } from "./numbers.js";

const EVERY_MS = 1000;  // playing: the summaries' pace
const PHASE_DONE = ["", ", after Forward", ", after Backward"];  // by a frame's phase
const CHARTS = { boundary: "Decision boundary", loss: "Loss curve" };

export function mountSummaries(S) {
  // The network diagram is an application (ui/live/cursor.js); the other two figures (not
  // "img": Plotly's mode bar inside them has buttons, which an image may not hold).
  for (const name of Object.keys(CHARTS)) {
    S.gd[name].setAttribute("role", "figure");
    S.gd[name].setAttribute("aria-label", CHARTS[name]);
  }
  S.describedT = -Infinity;
}

function largestWeight(S, f) {
  let best = 0;
  for (let e = 1; e < S.nEdges; e++) if (Math.abs(f.values[e]) > Math.abs(f.values[best])) best = e;
  return best;
}

function networkText(S, f) {
  const g = S.scene.network.geometry, num = (v) => fmtG(v, g.digits.tip);
  let text = `Network ${g.sizes.join("-")}, step ${f.step}${PHASE_DONE[f.phase] || ""}`;
  if (S.nEdges) {
    const e = largestWeight(S, f);
    text += `, largest weight ${g.names[e]} = ${num(f.values[e])}`;
  }
  return text;
}

function boundaryText(S, f) {
  const names = S.loss.names, digits = S.scene.network.geometry.digits.tip;
  const [, train, , acc] = f.loss || [];
  if (S.loss.has_acc && Number.isFinite(acc)) {
    return `${CHARTS.boundary}: step ${f.step}, ${names.acc} ${(100 * acc).toFixed(1)} %`;
  }
  return `${CHARTS.boundary}: step ${f.step}, ${names.train} ${fmtG(train, digits)}`;
}

function lossText(S, f) {
  const names = S.loss.names, digits = S.scene.network.geometry.digits.tip;
  const [, train, test] = f.loss || [];
  let text = `${CHARTS.loss}: step ${f.step}, ${names.train} ${fmtG(train, digits)}`;
  if (S.loss.has_test && Number.isFinite(test)) text += `, ${names.test} ${fmtG(test, digits)}`;
  return text;
}

function label(gd, text) {
  if (gd.getAttribute("aria-label") !== text) gd.setAttribute("aria-label", text);
}

export function describe(S, f) {
  if (!S.scene || !f) return;
  const now = performance.now();
  if (S.playing && now - S.describedT < EVERY_MS) return;
  S.describedT = now;
  label(S.gd.network, networkText(S, f));
  if (!S.loss) return;  // the loss chart's meta comes with the first packet's frames
  label(S.gd.boundary, boundaryText(S, f));
  label(S.gd.loss, lossText(S, f));
}
