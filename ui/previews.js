// A page's previews (ui/page_previews.py): every block a Step changes (panels, charts) as
// it will be after the next phase and after the next Step, computed by the engine on a fork
// of the run. A click on the stepping bar ("bp:click") shows them through the blocks' own
// ``show`` (window.__bpBlocks) before the server has heard of it; the rerun that really
// runs the phase brings the same blocks, which then change nothing on the page.
// Only for a click on the state they were made for: the bar's click carries its run's
// token, and a click with others still queued (``fresh`` false) waits for the server.

const BLOCKS = (window.__bpBlocks = window.__bpBlocks || new Map());
const KINDS = { step: "step", forward: "phase", backward: "phase", update: "phase" };
const decoder = new TextDecoder();

function onClick(ev) {
  const C = window.__bpPreviews;
  if (!C || !C.root.isConnected) return;
  const { kind, fresh, token } = ev.detail;
  const ahead = fresh && token && token === C.token ? C.ahead[KINDS[kind]] : null;
  C.ahead = {};  // one click, one preview: the next one waits for the server
  if (!ahead) return;
  for (const [key, block] of Object.entries(ahead)) {
    const show = BLOCKS.get(key);
    if (show) show(block.msg, block.kind);
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let C = parentElement.__bpPreviews;
  if (!C) {
    C = parentElement.__bpPreviews = { root: document.createElement("div"), ahead: {} };
    C.root.className = "bp-previews";
    parentElement.appendChild(C.root);
  }
  window.__bpPreviews = C;  // the newest mount's previews
  if (!window.__bpPreviewsListening) {
    window.__bpPreviewsListening = true;
    window.addEventListener("bp:click", onClick);
  }
  if (!data) return;
  const msg = JSON.parse(decoder.decode(data instanceof Uint8Array ? data : new Uint8Array(data)));
  C.token = msg.token;
  C.ahead = msg.ahead || {};
}
