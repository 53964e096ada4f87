// The diagram by keyboard: focused (Tab), the arrows move a cursor over the neurons (up and
// down a layer, left and right between layers) and, with Shift or W, over a neuron's
// incoming weights. The item under the cursor is outlined on the canvas over the figure,
// its numbers shown as a hover shows them and said by a screen reader (a polite live
// region); Enter selects it as a click does (for "Edit a weight"), Esc leaves the cursor.
// The cursor is a hover's customdata: [layer, i, j] a weight, [layer, unit, -1] a neuron.
import { el, fitCanvas, mapper } from "./dom.js";
import { renderTip, tipText } from "./tooltip.js";

export const DIAGRAM_KEYS = "Network diagram keys: Up and Down arrows, a neuron of the " +
  "layer; Left and Right, the layer before or after; Shift with Up or Down (or W), the " +
  "neuron's incoming weights; Enter selects it (Edit a weight then edits it); Escape " +
  "leaves.";
const HALO = 3;  // px of the label background around the outline, so it shows on any edge

let ids = 0;

export function mountCursor(S) {
  const gd = S.gd.network;
  gd.tabIndex = 0;
  gd.classList.add("bp-focusable");
  gd.setAttribute("role", "application");  // its keys go to it, not a reader's browse mode
  gd.setAttribute("aria-roledescription", "network diagram");
  const hint = el("div", "bp-diagram-keys", S.cells.network);
  hint.id = `bp-diagram-keys-${++ids}`;
  hint.textContent = DIAGRAM_KEYS;
  gd.setAttribute("aria-describedby", hint.id);
  S.announce = el("div", "bp-announce", S.cells.network);
  S.announce.setAttribute("aria-live", "polite");
  for (const box of [hint, S.announce]) screenReaderOnly(box);
  S.cursor = null;
  gd.addEventListener("keydown", (ev) => onKey(S, ev));
  gd.addEventListener("focus", () => showCursor(S, false));
  gd.addEventListener("blur", () => hideCursor(S));
}

function screenReaderOnly(box) {
  Object.assign(box.style, { position: "absolute", width: "1px", height: "1px",
                             overflow: "hidden", clipPath: "inset(50%)", whiteSpace: "nowrap" });
}

function clamp(v, hi) {
  return Math.max(0, Math.min(v, hi));
}

// Where a key takes the cursor ``c`` (null: not on the diagram yet: the first input).
function moved(c, key, shift, sizes) {
  if (!c) return [0, 0, -1];
  const [l, a, b] = c, weight = b >= 0, d = key === "ArrowUp" || key === "ArrowLeft" ? -1 : 1;
  if (key === "w") {
    if (weight) return [l + 1, b, -1];  // back to the neuron whose weights these are
    return l > 0 ? [l - 1, 0, a] : c;  // an input has none
  }
  if (key === "ArrowUp" || key === "ArrowDown") {
    if (weight) return [l, clamp(a + d, sizes[l] - 1), b];
    if (shift) return l > 0 ? [l - 1, 0, a] : c;
    return [l, clamp(a + d, sizes[l] - 1), -1];
  }
  if (weight) return d < 0 ? [l, a, -1] : [l + 1, b, -1];  // its neuron on that side
  const to = clamp(l + d, sizes.length - 1);
  return [to, Math.min(a, sizes[to] - 1), -1];
}

const MOVES = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "w"]);

function onKey(S, ev) {
  if (ev.ctrlKey || ev.altKey || ev.metaKey || !S.scene || !S.shown) return;
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  if (MOVES.has(key)) {
    S.cursor = moved(S.cursor, key, ev.shiftKey, S.scene.network.geometry.sizes);
    showCursor(S, true);
  } else if (key === "Enter" && S.cursor) {
    S.setTriggerValue("clicked", S.cursor);  // as a click on it (scene.js)
  } else if (key === "Escape" && S.cursor) {
    S.cursor = null;
    hideCursor(S);
    S.announce.textContent = "";
  } else {
    return;  // Space, the stepping bar's letters...: the page's shortcuts
  }
  ev.preventDefault();  // the arrows would scroll the page, or step (ui/stepping_bar.js)
}

export function fitCursor(S) {
  // A new scene: a cursor the network no longer has goes.
  const c = S.cursor, sizes = S.scene.network.geometry.sizes;
  if (!c) return;
  const fits = c[2] < 0 ? c[0] < sizes.length && c[1] < sizes[c[0]]
    : c[0] + 1 < sizes.length && c[1] < sizes[c[0]] && c[2] < sizes[c[0] + 1];
  if (!fits) S.cursor = null;
}

function spoken(html) {
  const t = document.createElement("template");
  t.innerHTML = html.replace(/<br>/g, ". ");
  return t.content.textContent;
}

// The cursor's item in canvas px: [x0, y0, x1, y1] (a neuron's box, a weight's line).
function place(S, c) {
  const g = S.scene.network.geometry, L = S.gd.network._fullLayout, half = g.node / 2;
  const [X, Y] = mapper(L), start = [0];
  for (const n of g.sizes) start.push(start[start.length - 1] + n);
  if (c[2] < 0) {
    const [x, y] = g.nodes[start[c[0]] + c[1]];
    return [X(x - half), Y(y + half), X(x + half), Y(y - half)];
  }
  const a = g.nodes[start[c[0]] + c[1]], b = g.nodes[start[c[0] + 1] + c[2]];
  return [X(a[0] + half), Y(a[1]), X(b[0] - half), Y(b[1])];
}

function showCursor(S, announce) {
  if (!S.cursor || !S.shown || !S.scene || !S.gd.network._fullLayout) return;
  const p = place(S, S.cursor), box = S.under.network.getBoundingClientRect();
  S.hover = { cd: S.cursor, key: true, x: box.left + (p[0] + p[2]) / 2,
              y: box.top + (p[1] + p[3]) / 2 };
  renderTip(S);
  paintCursor(S);
  if (announce) S.announce.textContent = spoken(tipText(S, S.shown, S.cursor));
}

function hideCursor(S) {
  if (S.hover && S.hover.key) {
    S.hover = null;
    renderTip(S);
  }
  const L = S.gd.network._fullLayout;
  if (L && L.xaxis) fitCanvas(S.over.network, L);
}

export function paintCursor(S) {
  // The outline, over the figure, while the diagram has the focus.
  const L = S.gd.network._fullLayout;
  if (!L || !L.xaxis || !S.scene) return;
  const ctx = fitCanvas(S.over.network, L);
  if (!S.cursor || document.activeElement !== S.gd.network) return;
  const [x0, y0, x1, y1] = place(S, S.cursor), style = getComputedStyle(S.root);
  const ink = style.getPropertyValue("--bp-focus").trim() || style.color;
  const halo = S.scene.network.geometry.colours.label_background;
  ctx.lineJoin = "round";
  for (const [colour, width] of [[halo, 3 + 2 * HALO], [ink, 3]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    if (S.cursor[2] < 0) ctx.rect(x0 - 4, y0 - 4, x1 - x0 + 8, y1 - y0 + 8);
    else {
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
    }
    ctx.stroke();
  }
}
