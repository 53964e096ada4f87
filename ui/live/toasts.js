// Streamlit's toasts ("Reset: …", "Added a point …"): live_view.css pins them to the
// bottom right; while the metrics row is down there (the page scrolled so) they go to the
// top right instead: a notice never covers the metrics.
const TOASTS = '[data-testid="stToastContainer"]';

function placeToasts(S) {
  const box = document.querySelector(TOASTS);
  if (!box || !S.metrics.isConnected) return;
  const m = S.metrics.getBoundingClientRect(), h = box.getBoundingClientRect().height;
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const top = window.innerHeight - h - rem;  // their top edge at the bottom right (1rem up)
  document.documentElement.classList.toggle("bp-toasts-top", top < m.bottom);
}

export function guardToasts(S) {
  const guard = window.__bpToasts;
  if (guard) {  // listening already (another mount of the view): measure this one's metrics
    guard.S = S;
    return;
  }
  const g = (window.__bpToasts = { S, raf: 0, watched: null });
  const later = () => {
    const box = document.querySelector(TOASTS);
    if (box && box !== g.watched) {  // toasts come and go inside it: watch it too
      g.watched = box;
      new MutationObserver(later).observe(box, { childList: true, subtree: true });
    }
    if (!g.raf) g.raf = requestAnimationFrame(() => { g.raf = 0; placeToasts(g.S); });
  };
  document.addEventListener("scroll", later, { capture: true, passive: true });
  window.addEventListener("resize", later);
  new MutationObserver(later).observe(document.body, { childList: true });
  later();
}
