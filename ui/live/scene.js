// A new scene (the figures' fixed parts, palettes, metric labels, legend): Plotly draws
// the diagram's and the boundary's figures once, and their events are bound once.
import { fitCursor } from "./cursor.js";
import { el, lut } from "./dom.js";
import { refit, sized } from "./layout.js";
import { showLegend } from "./legend.js";
import { layout } from "./network.js";
import { setPlayButton } from "./play.js";
import { config } from "./plotly.js";
import { paint } from "./show.js";
import { renderTip } from "./tooltip.js";

export async function applyScene(S, scene, P) {
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
  layout(S, scene.network.geometry);
  fitCursor(S);
  await Promise.all([
    P.react(S.gd.network, scene.network.figure.data,
            sized(scene.network.figure.layout, S, "network"), config(S, "network")),
    P.react(S.gd.boundary, scene.boundary.figure.data,
            sized(scene.boundary.figure.layout, S, "boundary"), config(S, "boundary")),
  ]);
  S.batchLegend = false;  // as the scene has it: the frames show it while they ring a batch
  bindEvents(S);
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
  S.bound = true;
  if (S.watched) return;  // the rest once per view (the charts may be drawn anew: plotly.js)
  S.watched = true;
  window.addEventListener("resize", () => refit(S, window.Plotly));
  // Plotly's "responsive" follows the window only: a cell that changes width without it
  // (the sidebar collapsing as presenting starts) resizes its chart too.
  const watch = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const gd = entry.target.querySelector(".bp-plot"), L = gd._fullLayout;
      const w = entry.contentRect.width;  // 0: hidden (another page), nothing to fit
      if (!L || !w || !gd.isConnected || Math.abs(L.width - w) <= 1) continue;
      window.Plotly.Plots.resize(gd).catch(() => {});  // hidden meanwhile: the next fit will do
    }
  });
  for (const name of ["network", "boundary", "loss"]) watch.observe(S.cells[name]);
}
