// Presenting, the charts fill the screen below the metrics row: the scene's heights
// (the presenter's, larger) shrink to what fits, the diagram never below the scene's
// ``fit_min``.
const CHART_GAP = 12;

function presenterHeights(S) {
  const base = S.scene.heights;
  if (!S.scene.presenter) return base;
  const room = window.innerHeight - S.charts.getBoundingClientRect().top - CHART_GAP -
               S.legendBox.offsetHeight;
  if (room < S.scene.fit_min) return base; // cannot fit this screen anyway: full size, scroll
  const net = Math.min(base.network, room);
  const right = base.boundary + base.loss, boundary = Math.round(net * base.boundary / right);
  return { network: Math.round(net), boundary, loss: Math.round(net) - boundary - 4 };
}

export function sized(layout, S, name) {
  const h = presenterHeights(S)[name];
  return h && h !== layout.height ? { ...layout, height: h } : layout;
}

export function refit(S, P) {
  // Presenting: once the metrics row has its numbers (or the window changed), the charts
  // take the height left below it.
  if (!S.scene || !S.scene.presenter) return;
  const h = presenterHeights(S);
  for (const name of ["network", "boundary", "loss"]) {
    const gd = S.gd[name];
    if (gd._fullLayout && Math.abs(gd._fullLayout.height - h[name]) > 2) {
      P.relayout(gd, { height: h[name] });
    }
  }
}
