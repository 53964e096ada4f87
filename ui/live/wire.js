// The envelope the server packs (viz/wire.py): a JSON header and typed arrays, some of
// them deflated; and a packet's frames as views into those arrays.

const TYPES = { uint8: Uint8Array, float32: Float32Array, float64: Float64Array,
                int32: Int32Array };

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function unpack(u8) {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (String.fromCharCode(u8[0], u8[1], u8[2], u8[3]) !== "BPL1") throw new Error("bad packet");
  const n = dv.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + n)));
  const body = 8 + n + ((8 - ((8 + n) % 8)) % 8);
  const arrays = {};
  for (const a of header.arrays) {
    let bytes = u8.subarray(body + a.offset, body + a.offset + a.nbytes);
    bytes = a.z ? await inflate(bytes) : bytes.slice(); // a copy starts aligned
    const T = TYPES[a.dtype];
    arrays[a.name] = { data: new T(bytes.buffer, 0, bytes.byteLength / T.BYTES_PER_ELEMENT),
                       shape: a.shape };
  }
  return { header, arrays };
}

export function splitFrames(pk) {
  const { header: h, arrays: A } = pk;
  return h.frames.map((meta, k) => {
    const part = (name) => {
      const a = A[name];
      if (!a) return null;
      const size = a.shape.slice(1).reduce((x, y) => x * y, 1);
      return a.data.subarray(k * size, (k + 1) * size);
    };
    const P = A.params.shape[2];
    const params = part("params");
    return { ...meta, grid: part("grid"), gridSize: A.grid.shape[1], thumbs: part("thumbs"),
             thumbSize: A.thumbs.shape[2], nParams: P, values: params.subarray(0, P),
             grads: params.subarray(P, 2 * P), update: params.subarray(2 * P, 3 * P),
             opt: A.opt ? { slots: h.opt_slots, data: A.opt.data, n: A.opt.shape[1] } : null,
             batch: meta.batch || null };
  });
}
