// A click on Step or a phase button shows the state it leads to at once.
// Every paused packet carries what the next phase and the next Step will show, computed
// by the engine on a copy of the trainer. The stepping bar (ui/stepping_bar.js) logs the
// click for the server, which runs the very same phase and brings the identical state;
// until then, the picture and the metrics are already here. Only for a click on the state
// this packet was made for (``fresh``: no click before it still queued).
import { appendLoss, paintLoss } from "./loss.js";
import { show } from "./show.js";
import { mark } from "./trace.js";

const PREVIEW_KINDS = { step: "step", forward: "phase", backward: "phase", update: "phase" };

export function previewOnClick(S, detail) {
  const frame = detail.fresh && !S.playing && S.previews
    ? S.previews[PREVIEW_KINDS[detail.kind]] : null;
  S.previews = {}; // one click, one preview: the next one waits for the server
  if (!frame) return;
  mark("preview");
  show(S, frame);
  if (S.loss) {  // the loss chart marks the step shown unless it is the last recorded
    const d = S.lossData, last = d && d.x.length ? d.x[d.x.length - 1] : -1;
    S.loss.current = frame.step >= last ? null : frame.step;
  }
  if (!appendLoss(S, frame.loss)) paintLoss(S);
  mark("preview-shown");
}

export function listenForClicks() {
  // Once per page: the stepping bar's clicks go to the newest mount of the view.
  if (window.__bpPreviews) return;
  window.__bpPreviews = true;
  window.addEventListener("bp:click", (ev) => {
    const view = window.__bpLive;
    if (view && view.root.isConnected) previewOnClick(view, ev.detail);
  });
}
