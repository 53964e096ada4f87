// Numbers as Python's format(v, ".Ng") writes them (the digits come in the scene), and
// the scene's text templates filled in.

function stripZeros(s) {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

export function fmtG(v, p) {
  if (v === null || v === undefined || Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const sign = v < 0 ? "-" : "", a = Math.abs(v);
  let [m, e] = a.toExponential(p - 1).split("e");
  let x = parseInt(e, 10);
  // JavaScript rounds an exact tie away from zero, Python to the even digit: look at the
  // exact digits after the p-th (toExponential is exact to 100 digits).
  const [lm, le] = a.toExponential(Math.min(100, p + 30)).split("e");
  const d = lm.replace(".", "");
  if (d[p] === "5" && /^0*$/.test(d.slice(p + 1)) && Number(d[p - 1]) % 2 === 0) {
    m = d[0] + (p > 1 ? "." + d.slice(1, p) : "");
    x = parseInt(le, 10);
  }
  if (x < -4 || x >= p) {
    return sign + stripZeros(m) + "e" + (x < 0 ? "-" : "+") + String(Math.abs(x)).padStart(2, "0");
  }
  const digits = m.replace(".", "");
  const fixed = x >= 0 ? digits.slice(0, x + 1) + "." + digits.slice(x + 1)
    : "0." + "0".repeat(-x - 1) + digits;
  return sign + stripZeros(fixed);
}

// "{name} = {value}" with values.name, values.value (a template of viz/network.py's TIPS).
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                  '"': "&quot;", "'": "&#39;" })[c]);
}
