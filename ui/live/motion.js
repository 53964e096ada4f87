// prefers-reduced-motion: while the browser asks for less motion, Play shows at most
// REDUCED_FPS pictures a second (the frames between still train and join the loss curve)
// and the progress line says so.
export const REDUCED_FPS = 3;
export const REDUCED_TEXT = `Motion reduced, as your system asks: at most ${REDUCED_FPS} ` +
  "pictures a second; training goes on at its speed.";
const QUERY = "(prefers-reduced-motion: reduce)";

export function reducedMotion() {
  return !!(window.matchMedia && window.matchMedia(QUERY).matches);
}
