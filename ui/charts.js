// Live charts: mounts its Plotly charts once and updates them in place with Plotly.react.
// (st.plotly_chart builds a new chart whenever the figure changes: a full newPlot and a
// React remount per frame, which is what limits a playing page.)
// Streamlit calls the default export again with the same parentElement whenever `data`
// changes. plotly.min.js is served by this app from static/ (never fetched from a CDN).

const PLOTLY_URL = new URL("app/static/plotly.min.js", document.baseURI).href;
// Only the camera button: "download as PNG" of the chart, drawn by Plotly in the browser.
const CONFIG = { displayModeBar: "hover", modeBarButtons: [["toImage"]], displaylogo: false,
                 responsive: true, scrollZoom: false,
                 toImageOptions: { format: "png", scale: 2, filename: "backprop-playground" } };

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

function mount(parent, names) {
  const root = document.createElement("div");
  root.className = "bp-charts";
  const divs = {};
  for (const name of names) {
    const div = document.createElement("div");
    div.className = "bp-chart bp-" + name;
    root.appendChild(div);
    divs[name] = div;
  }
  parent.appendChild(root);
  return { divs, busy: false, latest: null, bound: false, traces: {} };
}

function bindClicks(S, setTriggerValue) {
  // A click on a weight or neuron of the diagram reports its customdata [layer, i, j];
  // a click anywhere inside the boundary plot reports its data coordinates [x1, x2].
  const net = S.divs.network, bd = S.divs.boundary;
  if (S.bound || !net || !net.on) return;
  net.on("plotly_click", (ev) => {
    const p = ev.points && ev.points[0];
    if (p && p.customdata) setTriggerValue("clicked", p.customdata);
  });
  if (bd) {
    bd.addEventListener("click", (ev) => {
      const L = bd._fullLayout;
      if (!L) return;
      const xa = L.xaxis, ya = L.yaxis, box = bd.getBoundingClientRect();
      const px = ev.clientX - box.left - xa._offset, py = ev.clientY - box.top - ya._offset;
      if (px < 0 || py < 0 || px > xa._length || py > ya._length) return;
      setTriggerValue("added", [xa.p2l(px), ya.p2l(py)]);
    });
  }
  S.bound = true;
}

// Plotly.react compares data arrays by reference, so a trace that arrives unchanged (the
// data points, most frames) is swapped for the object drawn last time: Plotly then skips it.
function reuseUnchanged(S, name, fig) {
  const prev = S.traces[name] || [];
  const next = fig.data.map((trace, i) => {
    const text = JSON.stringify(trace);
    return prev[i] && prev[i].text === text ? prev[i] : { text, trace };
  });
  S.traces[name] = next;
  return next.map((t) => t.trace);
}

async function draw(S, P, setTriggerValue) {
  if (S.busy) return; // the running draw picks up S.latest when it finishes
  S.busy = true;
  try {
    while (S.latest) {
      const figures = S.latest;
      S.latest = null;
      await Promise.all(Object.entries(figures).map(([name, fig]) =>
        P.react(S.divs[name], reuseUnchanged(S, name, fig), fig.layout, CONFIG)));
      bindClicks(S, setTriggerValue);
    }
  } finally {
    S.busy = false;
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const figures = data.figures;
  let S = parentElement.__bp;
  if (!S) S = parentElement.__bp = mount(parentElement, Object.keys(figures));
  S.latest = figures;
  loadPlotly().then((P) => draw(S, P, setTriggerValue)).catch((e) => console.error(e));
}
