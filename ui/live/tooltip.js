// The diagram's hover: the weight or neuron under the pointer, its numbers in the frame
// on screen, in the words of the scene's templates (viz/network.py's TIPS).
import { escapeHtml, fill, fmtG } from "./numbers.js";

function optText(S, f, index) {
  if (!f.opt || !f.opt.slots || !f.opt.slots.length) return "";
  const T = S.scene.network.geometry.tips, digits = S.scene.network.geometry.digits.tip;
  const slots = f.opt.slots.map((slot, s) =>
    fill(T.slot, { slot, value: fmtG(f.opt.data[s * f.opt.n + index], digits) }));
  return fill(T.optimizer, { slots: slots.join(", ") });
}

function gradOf(T, f) {
  // Which mini-batch a gradient belongs to: after Backward, the step in progress; after a
  // whole step, the step that used it (its Δw is then that same step's).
  const which = f.grad_of === "next" ? "next" : f.phase === 2 ? "pending" : "last";
  return fill(T.grad_of[which], { step: f.step, next: f.step + 1 });
}

export function tipText(S, f, cd) {
  const g = S.scene.network.geometry, T = g.tips, [layer, a, b] = cd;
  const num = (v) => fmtG(v, g.digits.tip);
  const hasGrad = !Number.isNaN(f.grads[0]), hasUpdate = !Number.isNaN(f.update[0]);
  const updateOf = fill(T.update_of, { step: f.step });
  let idx, lines;
  if (b >= 0) {
    idx = S.offsets[layer] + a * g.sizes[layer + 1] + b;
    const [value, grad, update] = T.weight;
    lines = [fill(value, { name: escapeHtml(g.names[idx]), value: num(f.values[idx]) })];
    if (hasGrad) lines.push(fill(grad, { grad: num(f.grads[idx]) }) + " " + gradOf(T, f));
    if (hasUpdate) lines.push(fill(update, { update: num(f.update[idx]) }) + " " + updateOf);
  } else if (layer === 0) {
    return fill(T.input, { label: fill(T.input_name, { label: escapeHtml(g.labels[a]) }) });
  } else {
    idx = S.nEdges + S.biasOffsets[layer - 1] + a;
    const [title, value, grad, update] = T.neuron;
    lines = [fill(title, { layer, unit: a, activation: g.activations[layer - 1] }),
             fill(value, { name: escapeHtml(g.names[idx]), value: num(f.values[idx]) })];
    if (hasGrad) lines.push(fill(grad, { grad: num(f.grads[idx]) }) + " " + gradOf(T, f));
    if (hasUpdate) lines.push(fill(update, { update: num(f.update[idx]) }) + " " + updateOf);
  }
  const frozen = (S.scene.frozen || []).includes(idx) ? T.frozen : "";
  return lines.join("<br>") + frozen + optText(S, f, idx);
}

export function renderTip(S) {
  const tip = S.tip;
  if (!S.hover || !S.shown || !S.scene) {
    tip.style.display = "none";
    return;
  }
  tip.innerHTML = tipText(S, S.shown, S.hover.cd);
  tip.style.display = "block";
  const box = S.cells.network.getBoundingClientRect();
  let x = S.hover.x - box.left + 14;
  const y = S.hover.y - box.top + 14;
  if (x + tip.offsetWidth > box.width) x = Math.max(0, S.hover.x - box.left - tip.offsetWidth - 14);
  tip.style.left = x + "px";
  tip.style.top = y + "px";
}
