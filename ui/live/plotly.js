// Plotly, from the app's static files (no CDN), and how every chart of the view is
// configured: a mode bar with one button, the PNG of what is on screen.
import { downloadPng } from "./png.js";

const PLOTLY_URL = new URL("app/static/plotly.min.js", document.baseURI).href;

export function loadPlotly() {
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

export function config(S, name) {
  const P = window.Plotly;
  return { displayModeBar: "hover", displaylogo: false, responsive: true, scrollZoom: false,
           modeBarButtons: [[{ name: "Download as PNG (step on screen)", icon: P.Icons.camera,
                               click: () => downloadPng(S, name) }]] };
}
