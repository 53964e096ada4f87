// What the colours mean (under the diagram), and a note for a first visit (above it).
import { el } from "./dom.js";
import { refit } from "./layout.js";

const NOTE_SEEN = "bp-note-seen";

export function showLegend(S, lg) {
  const box = S.legendBox;
  box.replaceChildren();
  const scale = el("div", "bp-scale", box);
  const bar = el("div", "bp-scale-bar", scale);
  bar.style.background = `linear-gradient(to right, ${lg.bar.join(", ")})`;
  const ticks = el("div", "bp-scale-ticks", scale);
  for (const t of lg.ticks) el("span", "", ticks).textContent = t;
  const text = el("div", "bp-legend-text", box);
  for (const [title, words] of lg.items) {
    const line = el("span", "bp-legend-item", text);
    el("b", "", line).textContent = title + ": ";
    line.appendChild(document.createTextNode(words));
    if (title === "Boundary" && lg.classes.length) {
      lg.classes.forEach((c, k) => {
        const sw = el("span", "bp-swatch", line);
        sw.style.background = c;
        sw.title = `class ${k}`;
      });
    }
  }
  showNote(S, lg.note);
}

function showNote(S, text) {
  let seen = false;
  try { seen = window.localStorage.getItem(NOTE_SEEN) === "1"; } catch (e) { /* private */ }
  // Not on a projector: the teacher explains, and the charts need the room.
  S.note.style.display = seen || S.scene.presenter ? "none" : "flex";
  if (seen || S.note.childElementCount) return;
  el("span", "bp-note-text", S.note).textContent = text;
  const close = el("button", "bp-note-close", S.note);
  close.type = "button";
  close.textContent = "Got it";
  close.addEventListener("click", () => {
    S.note.style.display = "none";
    try { window.localStorage.setItem(NOTE_SEEN, "1"); } catch (e) { /* private */ }
    refit(S, window.Plotly);
  });
}
