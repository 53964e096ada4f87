// Putting one frame on screen: the diagram and the boundary painted, the metrics row and
// the progress bar written, an open hover brought up to date.
import { paintBoundary } from "./boundary.js";
import { paintCursor } from "./cursor.js";
import { REDUCED_TEXT, reducedMotion } from "./motion.js";
import { paintNetwork } from "./network.js";
import { describe } from "./summary.js";
import { renderTip } from "./tooltip.js";
import { mark } from "./trace.js";

function paintProgress(S, f) {
  // Playing up to a share link's step: how far, and that Pause stops there; playing with
  // reduced motion: that it is.
  const on = S.playing && S.target !== null && S.target !== undefined;
  const reduced = S.playing && reducedMotion();
  S.progress.style.display = on || reduced ? "block" : "none";
  if (!on && !reduced) return;
  const part = on ? Math.min(1, f.step / Math.max(1, S.target)) : 0;
  S.progress.firstChild.style.width = (100 * part).toFixed(1) + "%";
  const texts = on ? [`${S.targetText}: step ${f.step.toLocaleString("en")} ` +
    `of ${S.target.toLocaleString("en")}. Pause stops here.`] : [];
  if (reduced) texts.push(REDUCED_TEXT);
  S.progress.lastChild.textContent = texts.join(" ");
}

function paintMetrics(S, f) {
  f.metrics.forEach((text, i) => {
    const box = S.metricValues[i];
    if (box && box.textContent !== text) box.textContent = text;
  });
  S.root.dataset.step = f.step;
}

export function paint(S, f, only) {
  if (!S.scene) return;
  if (!only || only === "boundary") paintBoundary(S, f);
  if (!only || only === "network") {
    paintNetwork(S, f);
    paintCursor(S);
  }
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
export function sameFrame(a, b) {
  if (!a || !b) return false;
  const meta = (f) => JSON.stringify([f.step, f.epoch, f.phase, f.metrics, f.loss, f.batch,
                                      f.grad_of]);
  return meta(a) === meta(b) && sameArray(a.values, b.values) &&
    sameArray(a.grads, b.grads) && sameArray(a.update, b.update) &&
    sameArray(a.grid, b.grid) && sameArray(a.thumbs, b.thumbs);
}

export function show(S, f) {
  mark("show");
  S.shown = f;
  paint(S, f);
  paintMetrics(S, f);
  paintProgress(S, f);
  S.frames += 1;
  S.root.dataset.frames = S.frames;
  if (S.hover) renderTip(S);
  describe(S, f);
}
