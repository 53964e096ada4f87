// The stepping bar (ui/stepping_bar.py): phase buttons, Step, Epoch, Undo, Reset, what the
// last phase did and the history slider, drawn here so that no click is ever lost.
//
// Streamlit folds a button's clicks that arrive while the script runs into one, so quick
// clicks on Step counted 7 of 10. Here each click is an entry of a log kept in this page
// ({id, items: [[seq, kind, arg], ...]}) and sent whole as the component's state; the
// server applies, in order, the entries it has not applied yet and says how far it got
// (data.applied[id]); entries it has applied are dropped from the log. Reruns may fold
// together: the log only grows, so the last one carries every click.
//
// A click shows its effect at once: the server sends the state after the next phase and
// after the next Step (data.after, computed by the engine on a copy of the run), and the
// live view (or the page's previews, ui/previews.js, for the token of the same run) shows
// the matching pictures (the "bp:click" event). Clicks beyond that show
// what is certain (the phase that comes next, the step number) until the server answers.

const LOGS = {};  // by target: the run's bar, the Lesson's own network's...

function logOf(target) {
  if (!LOGS[target]) {
    LOGS[target] = { id: Math.random().toString(36).slice(2, 10), seq: 0, items: [],
                     pending: false };
  }
  return LOGS[target];
}
const PHASES = ["forward", "backward", "update"];
const MAX_ITEMS = 500;  // a page that cannot reach its server stops queueing here

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

function mount(parent) {
  const root = el("div", "bp-bar", parent);
  const row = el("div", "bp-bar-row", root);
  const buttons = el("div", "bp-bar-buttons", row);
  const history = el("label", "bp-history", row);
  const historyText = el("span", "bp-history-text", history);
  const slider = el("input", "bp-history-slider", history);
  slider.type = "range";
  slider.min = "0";
  const message = el("div", "bp-bar-message", root);
  message.setAttribute("aria-live", "polite");
  const B = { root, buttons, history, historyText, slider, message, byKind: {},
              data: null, shown: null, kinds: "" };
  slider.addEventListener("input", () => showHistory(B, Number(slider.value)));
  slider.addEventListener("change", () => click(B, "goto", Number(slider.value)));
  return B;
}

function makeButtons(B, buttons) {
  const kinds = buttons.map((b) => b.kind).join(",");
  if (kinds === B.kinds) return;
  B.kinds = kinds;
  B.buttons.textContent = "";
  B.byKind = {};
  for (const b of buttons) {
    const btn = el("button", "bp-bar-button bp-bar-" + b.kind, B.buttons);
    btn.type = "button";
    btn.textContent = b.label;
    btn.title = b.help || "";
    btn.dataset.kind = b.kind;
    btn.addEventListener("click", () => click(B, b.kind, b.arg ?? null));
    B.byKind[b.kind] = btn;
    if (b.kind === "update") el("span", "bp-bar-gap", B.buttons);
    if (b.kind === "epoch") el("span", "bp-bar-gap", B.buttons);
  }
}

// ---- what a click does before the server answers -----------------------------------------
function enabled(s, kind) {
  if (PHASES.includes(kind)) return !s.busy && s.next_phase === kind;
  if (kind === "step" || kind === "steps" || kind === "epoch") return !s.busy;
  if (kind === "undo") return s.undo;
  if (kind === "redo") return s.redo;
  if (kind === "reset" || kind === "goto") return !s.playing;
  return false;
}

// The state after a click on ``kind`` from ``s``: the server's own answer when it sent one
// for this very state, else what is certain (the phase order, the step number).
function predict(B, s, kind, arg) {
  const after = B.data.after || {};
  const known = s === B.data.state ? after[PHASES.includes(kind) ? "phase" : kind] : null;
  if (known) return known;
  const p = { ...s, pending: true, message: null };
  if (PHASES.includes(kind) || kind === "step" || kind === "steps") {
    const done = kind !== "forward" && kind !== "backward" && (kind !== "update" ||
                                                               s.phase_index === 2);
    p.phase_index = done ? 0 : s.phase_index + 1;
    p.next_phase = PHASES[p.phase_index];
    if (done) p.step = p.last_step = s.step + (kind === "steps" ? arg : 1);
    p.undo = true;
    p.redo = false;  // a phase run drops the recorded future
  } else if (kind === "goto") {
    p.step = arg;
    p.phase_index = 0;
    p.next_phase = "forward";
    p.redo = arg < s.last_step;
  } else if (kind === "undo" || kind === "redo") {
    p.phase_index = 0;
    p.next_phase = "forward";
    p.redo = true;  // an Undo can be taken back; whether a Redo can, the server says
  }
  return p;
}

function click(B, kind, arg) {
  const s = B.shown;
  const LOG = B.log;
  if (!s || !enabled(s, kind) || LOG.items.length >= MAX_ITEMS) {
    if (kind === "goto") showHistory(B, s ? s.step : 0);
    return;
  }
  const fresh = s === B.data.state;  // nothing queued: the live view's previews are for it
  LOG.items.push([++LOG.seq, kind, arg]);
  show(B, predict(B, s, kind, arg));
  window.dispatchEvent(new CustomEvent("bp:click",
                                       { detail: { kind, fresh, token: B.data.token } }));
  // Sent once the picture of the click is on screen: Streamlit's own re-render for the
  // rerun then never delays that frame (the log only grows: a later send carries it all).
  if (!LOG.pending) {
    LOG.pending = true;
    requestAnimationFrame(() => setTimeout(() => {
      LOG.pending = false;
      B.send("log", { id: LOG.id, items: LOG.items });
    }, 0));
  }
}

// ---- painting ----------------------------------------------------------------------------
function markdown(text) {  // the server's **bold** and `code`, everything else as text
  const esc = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return esc.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/`(.+?)`/g,
                                                                       "<code>$1</code>");
}

// Writes only what differs: a rerun that brings what a click already showed changes nothing
// on the page (no DOM mutation at all).
function set(obj, name, value) {
  if (obj[name] !== value) obj[name] = value;
}

function showHistory(B, step, playing = false) {
  set(B.historyText, "textContent", playing ? B.data.history_playing
    : `${B.data.history_label} ${step.toLocaleString("en-US")}`);
}

function show(B, s) {
  B.shown = s;
  for (const [kind, btn] of Object.entries(B.byKind)) {
    set(btn, "disabled", !enabled(s, kind));
    const primary = PHASES.includes(kind) && enabled(s, kind);
    if (btn.classList.contains("bp-primary") !== primary) btn.classList.toggle("bp-primary");
  }
  const queued = B.log.items.length;
  const msg = s.message || (s.pending ? { kind: "text", text: `Working on ${queued} ` +
                                          `click${queued === 1 ? "" : "s"}…` } : null);
  const html = msg ? markdown(msg.text) : "";
  if (B.message.innerHTML !== html) B.message.innerHTML = html;
  set(B.message, "className", "bp-bar-message" + (msg ? " bp-bar-" + msg.kind : ""));
  const h = B.data.show_history;
  set(B.history.style, "display", h ? "" : "none");
  if (h) {
    set(B.slider, "max", String(Math.max(s.last_step, 1)));
    set(B.slider, "value", String(s.step));
    set(B.slider, "disabled", s.playing || s.last_step < 1);
    showHistory(B, s.step, s.playing);
  }
}

function update(B, data) {
  B.data = data;
  const LOG = B.log = logOf(data.target);
  makeButtons(B, data.buttons);
  const done = (data.applied || {})[LOG.id] || 0;
  LOG.items = LOG.items.filter((item) => item[0] > done);
  if (!LOG.items.length) {
    show(B, data.state);
    return;
  }
  // Clicks the server has not applied yet: what they lead to, from its latest state.
  let s = data.state;
  for (const [, kind, arg] of LOG.items) s = enabled(s, kind) ? predict(B, s, kind, arg) : s;
  show(B, s);
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let B = parentElement.__bpBar;
  if (!B) B = parentElement.__bpBar = mount(parentElement);
  B.send = setStateValue;
  if (data) update(B, data);
}
