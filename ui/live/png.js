// A chart as a PNG, as it is on screen: Plotly's picture between the canvases painted
// under and over it.

export async function downloadPng(S, name) {
  const P = window.Plotly, gd = S.gd[name], L = gd._fullLayout, scale = 2;
  const url = await P.toImage(gd, { format: "png", width: L.width, height: L.height, scale });
  const img = new Image();
  await new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = reject;
    img.src = url;
  });
  const c = document.createElement("canvas");
  c.width = L.width * scale;
  c.height = L.height * scale;
  const ctx = c.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(S.under[name], 0, 0, c.width, c.height);
  ctx.drawImage(img, 0, 0, c.width, c.height);
  ctx.drawImage(S.over[name], 0, 0, c.width, c.height);
  const a = document.createElement("a");
  a.download = `backprop-playground-${name}-step${S.shown ? S.shown.step : 0}.png`;
  a.href = c.toDataURL("image/png");
  a.click();
}
