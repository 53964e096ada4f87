// The Playground's live view: Play/Pause, the metrics row and three Plotly charts whose
// changing parts (edges, neuron thumbnails, bias labels, the output over the plane) are
// painted on canvases inside the figures. The server sends a *scene* (the figures' fixed
// parts, and every colour, size and word the painting uses) when it changes and *frames*
// (palette-indexed pictures, float parameter values, metrics) at every rerun; see
// viz/live_frames.py, ui/live_packet.py and viz/wire.py. This module is the component:
// it mounts the view and hands each packet to the modules beside it.
import { mountCursor } from "./cursor.js";
import { el } from "./dom.js";
import { lossHover, lossLeave, applyLoss } from "./loss.js";
import { pause, received, start, stopped } from "./play.js";
import { loadPlotly, plotlyKind } from "./plotly.js";
import { listenForClicks } from "./preview.js";
import { applyScene } from "./scene.js";
import { refit } from "./layout.js";
import { sameFrame, show } from "./show.js";
import { mountSummaries } from "./summary.js";
import { guardToasts } from "./toasts.js";
import { mark } from "./trace.js";
import { splitFrames, unpack } from "./wire.js";

export { fmtG } from "./numbers.js";

loadPlotly();  // as this module loads: the first packet finds Plotly ready or nearly

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
              images: {}, schedule: null };
  play.addEventListener("click", () => (S.playing ? pause(S) : start(S)));
  cells.loss.addEventListener("mousemove", (ev) => lossHover(S, ev));
  cells.loss.addEventListener("mouseleave", () => lossLeave(S));
  mountCursor(S);
  mountSummaries(S);
  return S;
}

async function handle(S, u8) {
  const pk = await unpack(u8);
  const h = pk.header;
  let P = await loadPlotly(S.plotly || "basic");
  if (h.scene && h.scene.plotly === "full" && plotlyKind() !== "full") {
    // Figures the basic bundle cannot draw (e.g. WebGL points of a big upload): the
    // charts it drew go, and the full bundle draws them again.
    for (const gd of Object.values(S.gd)) P.purge(gd);
    S.bound = S.lossBound = false;
    S.lossKey = null;
    P = await loadPlotly("full");
    if (!h.loss) S.setTriggerValue("scene", Date.now());  // the loss chart, sent again
  }
  if (h.scene) S.plotly = h.scene.plotly;
  if (h.scene) await applyScene(S, h.scene, P);
  if (!S.scene) {
    S.setTriggerValue("scene", Date.now());
    return;
  }
  if (h.loss) await applyLoss(S, h.loss, pk.arrays, P);
  const frames = splitFrames(pk);
  S.target = h.target;
  S.targetText = h.target_text || "Opening the link";
  if (h.playing) {
    received(S, h, frames);
    return;
  }
  stopped(S);
  const p = h.previews || {};
  S.previews = { phase: frames[p.phase], step: frames[p.step], play: frames[p.play] };
  // The state a click's preview already shows comes back from its rerun: nothing moves.
  if (frames.length && (h.scene || !sameFrame(S.shown, frames[0]))) {
    show(S, frames[0]);
  } else if (frames.length) {
    S.shown.opt = frames[0].opt;  // the optimizer's state after the step, for the hovers
  }
  refit(S, P);
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
  listenForClicks();
  S.setTriggerValue = setTriggerValue;
  if (!data) return;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  S.chain = S.chain
    .then(() => handle(S, bytes))
    .catch((e) => console.error("live view:", e));
}
