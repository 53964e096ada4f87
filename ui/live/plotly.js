// Plotly, from the app's static files (no CDN), and how every chart of the view is
// configured: a mode bar with one button, the PNG of what is on screen.
// Two bundles of one plotly.js version: "basic" (scatter, bar, pie; ~0.25 s to load and
// run) unless the scene's figures need the "full" one (~1.4 s), as the server says
// (scene.plotly, from ui/live_component.plotly_bundle). Once full is loaded it serves all.
import { downloadPng } from "./png.js";

const URLS = { basic: "app/static/plotly-basic.min.js", full: "app/static/plotly.min.js" };

function load(kind) {
  const loads = (window.__bpPlotly = window.__bpPlotly || {});
  if (!loads[kind]) {
    const before = kind === "full" && loads.basic ? loads.basic.catch(() => {}) : null;
    loads[kind] = Promise.resolve(before).then(() => new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = new URL(URLS[kind], document.baseURI).href;
      s.onload = () => { window.__bpPlotlyKind = kind; resolve(window.Plotly); };
      s.onerror = () => reject(new Error("could not load " + s.src));
      document.head.appendChild(s);
    }));
  }
  return loads[kind];
}

export function loadPlotly(kind = "basic") {
  // Full draws everything basic does: after it, or asked for, it is the one.
  const full = kind === "full" || (window.__bpPlotly && window.__bpPlotly.full);
  return load(full ? "full" : "basic");
}

export function plotlyKind() {
  return window.__bpPlotlyKind || null;
}

export function config(S, name) {
  const P = window.Plotly;
  return { displayModeBar: "hover", displaylogo: false, responsive: true, scrollZoom: false,
           modeBarButtons: [[{ name: "Download as PNG (step on screen)", icon: P.Icons.camera,
                               click: () => downloadPng(S, name) }]] };
}
