// A panel of text, numbers and tables (ui/panel.py) that a Step changes. The server sends
// {key, digest, parts: [{t, d, ...}]}; each part has its digest ``d`` and only the parts
// whose digest changed are drawn again (a table keeps its scroll position and its sort).
// A click's preview (ui/previews.js) shows a panel through BLOCKS before the server
// answers; the rerun then brings the same digests and nothing on the page changes.

const BLOCKS = (window.__bpBlocks = window.__bpBlocks || new Map());  // key -> show(msg)
const KATEX = "app/static/katex.min.js";  // KaTeX's script; its CSS and fonts are Streamlit's

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

function katex() {
  if (!window.__bpKatex) {
    window.__bpKatex = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = new URL(KATEX, document.baseURI).href;
      s.onload = () => resolve(window.katex);
      s.onerror = () => reject(new Error("could not load " + s.src));
      document.head.appendChild(s);
    });
  }
  return window.__bpKatex;
}

// ---- parts ---------------------------------------------------------------------------------
// Inline maths (<span class="bp-math">TeX</span>, made on the server) typeset by KaTeX.
function maths(node) {
  const spans = node.querySelectorAll(".bp-math");
  if (!spans.length) return;
  const draw = (K) => spans.forEach((s) => {
    try {
      K.render(s.textContent, s, { throwOnError: false, output: "htmlAndMathml" });
    } catch (e) { /* the TeX stays as text */ }
  });
  if (window.katex) draw(window.katex);
  else katex().then(draw).catch(() => {});
}

function text(node, p) {
  node.className = p.t === "caption" ? "bp-panel-caption" : "bp-panel-md";
  node.innerHTML = p.html;  // made on the server from Markdown, raw HTML escaped
  maths(node);
}

function alert(node, p) {
  node.className = "bp-panel-alert bp-panel-" + p.kind;
  node.setAttribute("role", p.kind === "error" || p.kind === "warning" ? "alert" : "status");
  node.innerHTML = p.html;
  maths(node);
}

function metrics(node, p) {
  node.className = "bp-panel-metrics";
  node.textContent = "";
  for (const m of p.items) {
    const box = el("div", "bp-panel-metric", node);
    const label = el("div", "bp-panel-metric-label", box);
    label.textContent = m.label;
    if (m.help) box.title = m.help;
    const value = el("div", "bp-panel-metric-value", box);
    value.textContent = m.value;
    value.dataset.label = m.label;
  }
}

function latex(node, p) {
  node.className = "bp-panel-latex";
  // An equation wider than its box scrolls: reachable by keyboard to scroll it too.
  node.tabIndex = 0;
  node.setAttribute("role", "group");
  node.setAttribute("aria-label", "Equation");
  const draw = (K) => {
    try {
      K.render(p.tex, node, { displayMode: true, throwOnError: false, output: "htmlAndMathml" });
    } catch (e) {
      node.textContent = p.tex;
    }
  };
  if (window.katex) draw(window.katex);
  else katex().then(draw).catch(() => { node.textContent = p.tex; });
}

function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function rowsHtml(p, order) {
  const out = [];
  for (const i of order) {
    const cells = p.rows[i].map((v, c) => (p.numeric[c] ? `<td class="bp-num">${esc(v)}</td>`
                                                          : `<td>${esc(v)}</td>`));
    out.push(`<tr>${cells.join("")}</tr>`);
  }
  return out.join("");
}

function compare(a, b) {  // missing values last, numbers by value, text by text
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

function tableOrder(p, sort) {
  const order = p.rows.map((_, i) => i);
  if (sort && sort.col < p.columns.length) {
    order.sort((i, j) => sort.dir * compare(p.keys[i][sort.col], p.keys[j][sort.col]) || i - j);
  }
  return order;
}

function table(node, p, P) {
  const same = node.__cols === p.columns.join("\u0000");
  if (!same) {
    node.className = "bp-panel-table";
    node.textContent = "";
    node.tabIndex = 0;  // scrollable by keyboard
    if (p.label) node.setAttribute("aria-label", p.label);
    const t = el("table", "", node);
    const head = el("tr", "", el("thead", "", t));
    node.__heads = p.columns.map((c, i) => {
      const th = el("th", p.numeric[i] ? "bp-num" : "", head);
      const b = el("button", "bp-panel-sort", th);
      b.type = "button";
      b.textContent = c;
      b.title = "Sort by " + c;
      b.addEventListener("click", () => {
        const s = P.sort[p.key];
        P.sort[p.key] = { col: i, dir: s && s.col === i ? -s.dir : 1 };
        table(node, node.__part, P);
      });
      return th;
    });
    node.__body = el("tbody", "", t);
    node.__cols = p.columns.join("\u0000");
  }
  node.__part = p;
  node.style.maxHeight = p.height + "px";
  const sort = P.sort[p.key];
  node.__heads.forEach((th, i) => {
    const dir = sort && sort.col === i ? (sort.dir > 0 ? "ascending" : "descending") : "none";
    if (th.getAttribute("aria-sort") !== dir) th.setAttribute("aria-sort", dir);
  });
  const html = rowsHtml(p, tableOrder(p, sort));
  if (node.__html !== html) {
    node.__body.innerHTML = html;
    node.__html = html;
  }
}

const DRAW = { md: text, caption: text, alert, metrics, latex, table };

// ---- the panel -----------------------------------------------------------------------------
function show(P, msg) {
  if (P.digest === msg.digest) return;
  P.digest = msg.digest;
  const parts = msg.parts;
  while (P.nodes.length > parts.length) P.nodes.pop().remove();
  parts.forEach((p, i) => {
    let node = P.nodes[i];
    if (!node) {
      node = P.nodes[i] = el("div", "", P.root);
      node.__d = null;
    }
    if (node.__d === p.d) return;
    if (node.__t !== p.t) {  // another kind of part here: a fresh node
      const fresh = el("div", "");
      node.replaceWith(fresh);
      node = P.nodes[i] = fresh;
    }
    node.__t = p.t;
    node.__d = p.d;
    DRAW[p.t](node, { ...p, key: msg.key + ":" + i }, P);
  });
}

export default function (component) {
  const { data, parentElement } = component;
  let P = parentElement.__bpPanel;
  if (!P) {
    P = parentElement.__bpPanel = { root: el("div", "bp-panel", parentElement), nodes: [],
                                    digest: null, sort: {} };
  }
  if (!data) return;
  const msg = typeof data === "string" ? JSON.parse(data) : data;
  BLOCKS.set(msg.key, (m) => { if (P.root.isConnected) show(P, m); });
  show(P, msg);
}
