// Back, Next and Leave of the lesson player (ui/lesson_player.py), drawn here so that no
// click is lost: as the stepping bar's (ui/stepping_bar.js), each click is an entry of a
// log kept in this page ({id, items: [[seq, kind, null], ...]}) and sent whole; the server
// applies, in order, the entries it has not applied yet (ui/stepping_bar.apply_log) and
// says how far it got (data.applied[id]). Streamlit's buttons fold clicks that arrive
// while the script runs: two quick Nexts went one stop.

const LOGS = {};  // by lesson: a log each

function logOf(key) {
  if (!LOGS[key]) LOGS[key] = { id: Math.random().toString(36).slice(2, 10), seq: 0, items: [] };
  return LOGS[key];
}

function mount(parent) {
  const root = document.createElement("div");
  root.className = "bp-bar-buttons bp-lesson-nav";
  parent.appendChild(root);
  const N = { root, byKind: {}, data: null };
  for (const [kind, label] of [["back", "Back"], ["next", "Next"], ["leave", "Leave"]]) {
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "bp-bar-button bp-lesson-" + kind + (kind === "next" ? " bp-primary" : "");
    btn.textContent = label;
    btn.addEventListener("click", () => click(N, kind));
    root.appendChild(btn);
    N.byKind[kind] = btn;
  }
  N.byKind.leave.title = "Stop playing the lesson; the run stays as it is.";
  return N;
}

// The stop the queued clicks lead to, from the server's latest.
function stopAfter(N) {
  let k = N.data.stop;
  for (const [, kind] of N.log.items) {
    if (kind === "next") k = Math.min(k + 1, N.data.stops - 1);
    if (kind === "back") k = Math.max(k - 1, 0);
  }
  return k;
}

function show(N) {
  const k = stopAfter(N), left = N.log.items.some((item) => item[1] === "leave");
  N.byKind.back.disabled = left || k === 0;
  N.byKind.next.disabled = left || k === N.data.stops - 1;
  N.byKind.leave.disabled = left;
}

function click(N, kind) {
  if (N.byKind[kind].disabled || N.log.items.length >= 100) return;
  N.log.items.push([++N.log.seq, kind, null]);
  show(N);
  N.send("log", { id: N.log.id, items: N.log.items });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let N = parentElement.__bpNav;
  if (!N) N = parentElement.__bpNav = mount(parentElement);
  N.send = setStateValue;
  if (!data) return;
  N.data = data;
  N.log = logOf(data.lesson);
  const done = (data.applied || {})[N.log.id] || 0;
  N.log.items = N.log.items.filter((item) => item[0] > done);
  show(N);
}
