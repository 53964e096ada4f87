// Play and Pause: frames are shown one per animation frame at the rate they arrive, and
// the next batch is asked for (the "want" event) while the current one is on screen.
// Pause freezes the frame on screen at once and tells the server its step.
import { appendLoss } from "./loss.js";
import { REDUCED_FPS, reducedMotion } from "./motion.js";
import { show } from "./show.js";
import { describe } from "./summary.js";

const MAX_QUEUE_MS = 600; // frames buffered ahead of the screen, at most (in display time)
const RETRY_MS = 2500; // a request for frames that got no answer is sent again

export function setPlayButton(S) {  // only what differs: a rerun changes nothing it need not
  const text = S.playing ? "Pause" : "Play", off = !S.playing && !!S.scene && !S.scene.can_play;
  if (S.play.textContent !== text) S.play.textContent = text;
  if (S.play.disabled !== off) S.play.disabled = off;
}

export function start(S) {
  if (S.scene && !S.scene.can_play) return;
  const first = S.previews && S.previews.play;  // Play's first frame, made while paused
  S.previews = {};
  S.playId = Date.now() % 2147483647;
  S.playing = true;
  S.pausing = false;
  S.queue = [];
  S.arrivals = [];
  S.inflight = true;
  S.reqT = performance.now();
  setPlayButton(S);
  S.setTriggerValue("play", { id: S.playId });
  if (first) {  // on screen at once; the server's Play brings it again, and it is skipped
    show(S, first);
    appendLoss(S, first.loss);
    S.lastShownT = performance.now();
  }
  loop(S);
}

export function pause(S) {
  S.playing = false;
  S.pausing = true;
  S.queue = [];
  setPlayButton(S);
  if (S.raf) cancelAnimationFrame(S.raf);
  S.raf = null;
  S.setTriggerValue("pause", { id: S.playId, step: S.shown ? S.shown.step : -1 });
}

function arrivalRate(S, now) {
  // Frames received per second over the last two seconds.
  S.arrivals = S.arrivals.filter(([t]) => now - t < 2000);
  if (S.arrivals.length < 2) return 0;
  const n = S.arrivals.slice(1).reduce((sum, [, k]) => sum + k, 0);
  return (1000 * n) / Math.max(1, now - S.arrivals[0][0]);
}

function request(S, now) {
  // Enough frames to cover about two round trips at 60 frames/s: the next
  // batch is on its way while this one is on screen (the server caps it by time).
  const rtt = S.rtt || 100;
  S.inflight = true;
  S.reqT = now;
  S.seq += 1;
  const n = Math.max(8, Math.min(30, Math.ceil((rtt / 1000) * 60 * 2)));
  S.setTriggerValue("want", { id: S.playId, n, seq: S.seq });
}

export function loop(S) {
  if (S.raf) return;
  const tick = (now) => {
    S.raf = null;
    if (!S.playing) return;
    const rate = arrivalRate(S, now);
    // Show frames at the rate they arrive (a steady picture, not bursts), faster when
    // the buffer grows, never more than one per animation frame.
    // (A little faster than they arrive: showing exactly at that rate would let the jitter
    // of animation frames hold both rates below what the server can make.)
    const interval = rate > 0 ? 1000 / rate : 0;
    const behind = S.queue.length > Math.max(3, (rate * MAX_QUEUE_MS) / 2000);
    if (reducedMotion()) {
      showLatest(S, now);
    } else if (S.queue.length && now - S.lastShownT >= (behind ? 0 : interval * 0.75)) {
      const f = S.queue.shift();
      show(S, f);
      appendLoss(S, f.loss);
      S.lastShownT = now;
    }
    const ahead = (S.queue.length * 1000) / Math.max(rate, 1);
    if ((!S.inflight && ahead < MAX_QUEUE_MS) || (S.inflight && now - S.reqT > RETRY_MS)) {
      request(S, now);
    }
    S.raf = requestAnimationFrame(tick);
  };
  S.raf = requestAnimationFrame(tick);
}

function showLatest(S, now) {
  // Reduced motion: the newest frame, a few times a second; the ones before it only add
  // their points to the loss curve.
  if (!S.queue.length || now - S.lastShownT < 1000 / REDUCED_FPS) return;
  const frames = S.queue.splice(0);
  for (const f of frames.slice(0, -1)) appendLoss(S, f.loss);
  const f = frames[frames.length - 1];
  show(S, f);
  appendLoss(S, f.loss);
  S.lastShownT = now;
}

export function received(S, h, frames) {
  // A packet made while playing: its frames join the queue (unless it is from before a
  // Pause); a view that did not ask (e.g. mounted again) follows the server's Play.
  const now = performance.now();
  S.previews = {};
  if (S.pausing || (S.playing && h.play_id !== S.playId)) return; // from before a Pause
  if (!S.playing) {
    S.playing = true;
    S.playId = h.play_id;
    setPlayButton(S);
    loop(S);
  }
  if (S.inflight) S.rtt = S.rtt ? 0.7 * S.rtt + 0.3 * (now - S.reqT) : now - S.reqT;
  S.inflight = false;
  S.arrivals.push([now, frames.length]);
  const last = S.queue.length ? S.queue[S.queue.length - 1] : S.shown;
  S.queue.push(...frames.filter((f) => !last || f.step > last.step));  // not twice
  if (!S.shown && S.queue.length) show(S, S.queue.shift());
}

export function stopped(S) {
  // A packet made while paused: nothing more to show from the queue.
  S.playing = false;
  S.pausing = false;
  S.queue = [];
  S.inflight = false;
  setPlayButton(S);
  S.progress.style.display = "none";  // Play's progress line, if it had one
  describe(S, S.shown);  // the frame Pause landed on, whenever the last summary was
}
