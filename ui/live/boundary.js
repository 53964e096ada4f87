// The boundary plot's picture: the output over the plane on a canvas under Plotly's
// points, and the mini-batch's rings on one above them (colours and sizes: the scene's).
import { fitCanvas, image, mapper } from "./dom.js";

export function paintBoundary(S, f) {
  const gd = S.gd.boundary, L = gd._fullLayout;
  if (!L || !L.xaxis) return;
  const ctx = fitCanvas(S.under.boundary, L), over = fitCanvas(S.over.boundary, L);
  const [X, Y] = mapper(L);
  const [xmin, xmax, ymin, ymax] = S.scene.boundary.extent;
  const R = f.gridSize, im = image(S, "grid", R, R);
  const colours = S.boundaryLuts[S.scene.boundary_palette];
  for (let i = 0; i < R * R; i++) im.px[i] = colours[f.grid[i]];
  im.ctx.putImageData(im.data, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(im.canvas, X(xmin), Y(ymax), X(xmax) - X(xmin), Y(ymin) - Y(ymax));
  showBatchLegend(S, gd, !!f.batch);
  if (f.batch) {
    const ring = S.scene.boundary.batch;
    over.strokeStyle = ring.color;
    over.lineWidth = ring.width;
    for (let k = 0; k < f.batch.length; k += 2) {
      over.beginPath();
      over.arc(X(f.batch[k]), Y(f.batch[k + 1]), ring.radius, 0, 2 * Math.PI);
      over.stroke();
    }
  }
}

// The rings' legend entry is in every scene, hidden: a frame that rings a mini-batch shows
// it. (A scene of its own per phase made each phase's rerun redraw the plot after the
// click's preview had already shown the phase.)
function showBatchLegend(S, gd, on) {
  if (S.batchLegend === on || !gd.data || !gd.data[S.scene.boundary.batch.legend]) return;
  S.batchLegend = on;
  window.Plotly.restyle(gd, { visible: on }, [S.scene.boundary.batch.legend]);
}
