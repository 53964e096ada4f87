// One Plotly figure that stays on the page across reruns (ui/plot_component.py): the same
// element, redrawn in place with Plotly.react (a diff of the new figure against the drawn
// one), never torn down and drawn from scratch as st.plotly_chart's element is whenever its
// figure changes. A figure the chart already shows costs nothing: the server then sends its
// digest alone.
//
// The server sends bytes, a JSON object: {digest, bundle, loader, config, select, figure?}.
// ``figure`` is left out when this chart was last sent the same digest; the figure is then
// taken from FIGURES (a chart mounted again, after a page switch, keeps its key), or asked
// for again (the "missing" event) if this page never received it.
// Plotly comes from the live view's loader (ui/live/plotly.js: the basic bundle unless
// ``bundle`` is "full", as ui/live_component.plotly_bundle decides on the server).

// key -> {digest, text}: the last figure each chart was sent, as the payload's JSON text
const FIGURES = (window.__bpFigures = window.__bpFigures || new Map());
// key -> show(msg): a click's preview (ui/previews.js) draws a chart's next figure at once
const BLOCKS = (window.__bpBlocks = window.__bpBlocks || new Map());
const decoder = new TextDecoder();
let LOADER = null;  // ui/live/plotly.js (the live view's loader), once imported

function mount(parent) {
  const gd = document.createElement("div");
  gd.className = "bp-figure";
  parent.appendChild(gd);
  const P = { gd, drawn: null, kind: null, want: null, chain: Promise.resolve(),
              resize: null };
  // A column that changes width without the window resizing (the sidebar, a rerun's new
  // layout): Plotly's own "responsive" listens to the window only.
  new ResizeObserver(() => {
    if (!P.drawn || P.resize) return;
    P.resize = requestAnimationFrame(() => {
      P.resize = null;
      const shown = P.gd.offsetWidth > 0 && P.gd.offsetHeight > 0;  // not in a closed expander
      if (window.Plotly && P.gd._fullLayout && shown) {
        window.Plotly.Plots.resize(P.gd).catch(() => {});
      }
    });
  }).observe(gd);
  return P;
}

// Streamlit's selection event's shape (event.selection.points), for the points clicked.
function points(ev) {
  return (ev.points || []).map((p) => ({
    curve_number: p.curveNumber, point_number: p.pointNumber, point_index: p.pointIndex,
    x: p.x, y: p.y, customdata: p.customdata ?? null,
  }));
}

// The figure of ``msg``: sent with it, or the one this chart's key was sent before under the
// same digest; null (and asked for again, once) if this page never received it.
function figureOf(P, msg, text) {
  if (msg.figure !== undefined) {
    FIGURES.set(msg.key, { digest: msg.digest, text });
    return msg.figure;
  }
  const cached = FIGURES.get(msg.key);
  if (cached && cached.digest === msg.digest) {
    return JSON.parse(cached.text).figure;  // its own objects: Plotly keeps what it draws
  }
  if (P.want !== msg.digest) {  // once per digest: the answer brings the figure
    P.want = msg.digest;
    P.setTriggerValue("missing", msg.digest);
  }
  return null;
}

function draw(P, msg, text, Plotly) {
  const kind = LOADER.plotlyKind();
  if (P.drawn === msg.digest && P.kind === kind) return;
  const fig = figureOf(P, msg, text);
  if (!fig) return;
  if (P.kind && P.kind !== kind) {  // drawn by the other bundle: drawn again by this one
    Plotly.purge(P.gd);
    P.listening = false;
  }
  // In place: Plotly diffs the new figure against the one drawn (never purge + newPlot).
  Plotly.react(P.gd, fig.data || [], fig.layout || {}, msg.config)
    .catch((e) => console.error("plot:", e));
  P.drawn = msg.digest;
  P.kind = kind;
  if (msg.select && !P.listening) {
    P.listening = true;
    P.gd.on("plotly_click", (ev) => P.setTriggerValue("select", { points: points(ev) }));
  }
}

// Plotly as loaded, if it is a bundle that draws ``msg`` (then a chart is drawn at once,
// in the same task as the page's other charts: one layout and paint for them all).
function plotlyNow(msg) {
  const kind = LOADER && LOADER.plotlyKind();
  return kind && (kind === "full" || msg.bundle === "basic") ? window.Plotly : null;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let P = parentElement.__bpFigure;
  if (!P) P = parentElement.__bpFigure = mount(parentElement);
  P.setTriggerValue = setTriggerValue;
  if (!data) return;
  const text = decoder.decode(data instanceof Uint8Array ? data : new Uint8Array(data));
  receive(P, JSON.parse(text), text);
}

// A preview's figure (a whole message, parsed): drawn as if the server had sent it, so
// that the rerun bringing the same digest finds it drawn.
function preview(P, msg) {
  if (P.gd.isConnected) receive(P, msg, JSON.stringify(msg));
}

function receive(P, msg, text) {
  BLOCKS.set(msg.key, (m) => preview(P, m));
  if (msg.digest === P.drawn && msg.digest === P.latest) return;  // nothing new: no work
  P.latest = msg.digest;
  const now = plotlyNow(msg);
  if (now && !P.waiting) {
    try {
      draw(P, msg, text, now);
    } catch (e) {
      console.error("plot:", e);
    }
    return;
  }
  P.waiting = (P.waiting || 0) + 1;
  P.chain = P.chain
    .then(async () => {
      if (P.latest !== msg.digest) return;  // a newer figure came meanwhile
      LOADER = LOADER || (await import(new URL(msg.loader, document.baseURI).href));
      draw(P, msg, text, await LOADER.loadPlotly(msg.bundle));
    })
    .catch((e) => console.error("plot:", e))
    .finally(() => { P.waiting -= 1; });
}
