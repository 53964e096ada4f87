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
//
// The keyboard (PhET's simulations are the model): each shortcut presses its button on the
// bar on screen (``KEYS``; the same click, the same log), Space the live view's Play; "?"
// or the bar's "?" button (named "Keyboard shortcuts (?)") opens a dialog listing them, where they can be turned
// off (WCAG 2.1.4: single-character shortcuts must be; remembered in localStorage).

const LOGS = {};  // by target: the run's bar, the Lesson's own network's...

function logOf(target) {
  if (!LOGS[target]) {
    LOGS[target] = { id: Math.random().toString(36).slice(2, 10), seq: 0, items: [],
                     pending: false };
  }
  return LOGS[target];
}
const BARS = new Set();  // every bar mounted: the keys act on the one on screen
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
  BARS.add(B);
  listenForKeys();
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
    nameKey(btn, keyOf(b.kind), b.help || "");
    btn.dataset.kind = b.kind;
    btn.addEventListener("click", () => click(B, b.kind, b.arg ?? null));
    B.byKind[b.kind] = btn;
    if (b.kind === "update") el("span", "bp-bar-gap", B.buttons);
    if (b.kind === "epoch") el("span", "bp-bar-gap", B.buttons);
  }
  const help = el("button", "bp-bar-button bp-bar-keys", B.buttons);
  help.type = "button";
  help.textContent = "?";  // one character: the bar keeps its row (a projector's too)
  nameKey(help, keyOf("help"), "Keyboard shortcuts");
  help.setAttribute("aria-label", "Keyboard shortcuts (?)");
  help.setAttribute("aria-haspopup", "dialog");
  help.addEventListener("click", () => openHelp(B));
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

// ---- the keyboard ------------------------------------------------------------------------
// What each key does: ``key`` as KeyboardEvent.key has it (letters in lower case),
// ``shift`` when it must be held (or not), ``name`` as the help and the tooltips say it.
// ``kind``: the bar's button it presses (absent from a bar without it: nothing);
// ``play``: the live view's Play/Pause; ``native``: a key a focused control already uses.
const KEYS = [
  { key: " ", name: "Space", aria: "Space", play: true, native: true, what: "Play / Pause" },
  { key: "arrowright", name: "→ Right arrow", aria: "ArrowRight", kind: "step", native: true,
    repeat: true },
  { key: "f", name: "F", aria: "F", kind: "forward" },
  { key: "b", name: "B", aria: "B", kind: "backward" },
  { key: "u", name: "U", aria: "U", kind: "update" },
  { key: "e", name: "E", aria: "E", kind: "epoch" },
  { key: "z", shift: false, name: "Z", aria: "Z", kind: "undo", repeat: true },
  { key: "z", shift: true, name: "Shift+Z", aria: "Shift+Z", kind: "redo", repeat: true },
  { key: "?", name: "?", aria: "Shift+?", help: true, what: "This list of shortcuts" },
];
const KEYS_OFF = "bp-keys-off";  // localStorage: "1" when the student turned them off
const PLAY = ".bp-play";  // the live view's Play/Pause button (ui/live/main.js)
// Where a key is the student's own: typing, or a control that moves with arrows or Space.
const TYPING = "textarea, select, [contenteditable]:not([contenteditable='false']), " +
  "[role='textbox'], [role='combobox'], [role='spinbutton'], [role='searchbox']";
const NOT_TEXT = new Set(["button", "checkbox", "radio", "range", "color", "file", "submit",
                          "reset", "image"]);
const CONTROL = "button, a[href], input, summary, [role='button'], [role='slider'], " +
  "[role='checkbox'], [role='radio'], [role='switch'], [role='tab'], [role='menuitem'], " +
  "[role='option'], [role='listbox'], [role='scrollbar'], [role='grid'], [role='tree']";

function keyOf(kind) {
  return KEYS.find((k) => (kind === "help" ? k.help : k.kind === kind));
}

function nameKey(btn, k, help) {
  // A button's tooltip names its key; assistive technology reads aria-keyshortcuts.
  if (!k) {
    set(btn, "title", help);
    return;
  }
  set(btn, "title", `${help ? help + " " : ""}(key: ${k.name})`);
  if (btn.getAttribute("aria-keyshortcuts") !== k.aria) {
    btn.setAttribute("aria-keyshortcuts", k.aria);
  }
}

function keysOn() {
  try { return window.localStorage.getItem(KEYS_OFF) !== "1"; } catch (e) { return true; }
}

function setKeysOn(on) {
  try {
    if (on) window.localStorage.removeItem(KEYS_OFF);
    else window.localStorage.setItem(KEYS_OFF, "1");
  } catch (e) { /* private browsing: on for this page only */ }
}

function typing(t) {
  if (!t || !t.closest) return false;
  if (t.isContentEditable || t.closest(TYPING)) return true;
  return t.tagName === "INPUT" && !NOT_TEXT.has((t.type || "text").toLowerCase());
}

function visible(e) {
  return e && e.isConnected && e.getClientRects().length > 0;
}

function barOnScreen() {
  // The run's bar where there is one, else the page's own (the Lesson's network's).
  let found = null;
  for (const B of BARS) {
    if (!B.root.isConnected) {
      BARS.delete(B);
      continue;
    }
    if (!B.data || !visible(B.root)) continue;
    if (B.data.target === "run") return B;
    found = found || B;
  }
  return found;
}

function playButton() {
  return [...document.querySelectorAll(PLAY)].find(visible) || null;
}

function onKey(ev) {
  if (ev.defaultPrevented || ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return;
  if (HELP.dialog && HELP.dialog.open) return;  // the dialog's own keys
  const key = (ev.key || "").toLowerCase();
  const k = KEYS.find((x) => x.key === key && (x.shift === undefined || x.shift === ev.shiftKey));
  if (!k || !keysOn() || typing(ev.target) || (ev.repeat && !k.repeat)) return;
  if (k.native && ev.target.closest && ev.target.closest(CONTROL)) return;
  const B = barOnScreen();
  let target = null;
  if (k.help) target = B;
  else if (k.play) target = playButton();
  else if (B) target = B.byKind[k.kind] || null;
  if (!target) return;
  ev.preventDefault();  // Space would scroll the page, → move it sideways
  if (k.help) openHelp(B);
  else target.click();  // a disabled button does nothing, as a click on it
}

function listenForKeys() {
  if (window.__bpKeys) return;  // once per page: the module may be imported again
  window.__bpKeys = true;
  window.addEventListener("keydown", onKey);
  // The live view's Play is drawn by another component: it learns its key when first met.
  const name = (ev) => {
    const play = ev.target.closest && ev.target.closest(PLAY);
    if (play) nameKey(play, KEYS.find((k) => k.play), "Play or Pause the training");
  };
  document.addEventListener("pointerover", name, true);
  document.addEventListener("focusin", name, true);
}

// ---- the help dialog ---------------------------------------------------------------------
const HELP = { dialog: null, back: null };
const DIAGRAM_KEYS = ".bp-diagram-keys";  // the diagram's own keys (ui/live/cursor.js)

function helpDialog() {
  if (HELP.dialog && HELP.dialog.isConnected) return HELP.dialog;
  const d = el("dialog", "bp-keys-dialog", document.body);
  d.setAttribute("role", "dialog");
  d.setAttribute("aria-modal", "true");
  d.setAttribute("aria-labelledby", "bp-keys-title");
  d.addEventListener("close", () => {
    const back = HELP.back;
    HELP.back = null;
    if (back && back.isConnected) back.focus();
  });
  HELP.dialog = d;
  return d;
}

function helpRows(d, B) {
  const table = el("table", "bp-keys-table", d);
  const row = (name, what) => {
    const tr = el("tr", "", table);
    el("kbd", "", el("th", "", tr)).textContent = name;
    el("td", "", tr).textContent = what;
  };
  for (const k of KEYS) {
    const btn = k.kind && B ? B.byKind[k.kind] : null;
    if (k.kind && !btn) continue;  // not on this bar
    if (k.play && !playButton()) continue;
    row(k.name, btn ? btn.textContent : k.what);
  }
  const diagram = [...document.querySelectorAll(DIAGRAM_KEYS)].find((e) => e.isConnected);
  if (diagram) el("p", "bp-keys-diagram", d).textContent = diagram.textContent;
}

function openHelp(B) {
  const d = helpDialog();
  if (d.open) return;
  d.replaceChildren();
  const title = el("h2", "", d);
  title.id = "bp-keys-title";
  title.textContent = "Keyboard shortcuts";
  helpRows(d, B);
  el("p", "", d).textContent = "They act on the run as a click on the button does, and " +
    "never while you type in a box.";
  const toggle = el("label", "bp-keys-toggle", d);
  const box = el("input", "", toggle);
  box.type = "checkbox";
  box.checked = keysOn();
  box.addEventListener("change", () => setKeysOn(box.checked));
  toggle.appendChild(document.createTextNode(" Use the single-key shortcuts"));
  const close = el("button", "bp-bar-button bp-keys-close", el("p", "", d));
  close.type = "button";
  close.textContent = "Close";
  close.addEventListener("click", () => d.close());
  HELP.back = document.activeElement;
  d.showModal();  // Esc closes it (the dialog's own cancel); focus then goes back
  close.focus();
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let B = parentElement.__bpBar;
  if (!B) B = parentElement.__bpBar = mount(parentElement);
  B.send = setStateValue;
  if (data) update(B, data);
}
