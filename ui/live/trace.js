// When packets arrive and frames are painted, for benches: they set window.__bpTrace = [].

export function mark(what) {
  if (window.__bpTrace) window.__bpTrace.push([what, performance.now()]);
}
