/**
 * JSON for protocol messages that carry typed arrays (frames' matrices), for transports that are
 * text, not structured clone: the attach bridge of `backprop-lens serve` (server-sent events and
 * POST). A Float32Array/Float64Array becomes {"$f32"|"$f64": base64 of its little-endian bytes};
 * NaN and ±Infinity numbers become {"$num": "NaN"|"Infinity"|"-Infinity"}.
 */

function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let k = 0; k < bytes.length; k += 0x8000) s += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return btoa(s);
}

function base64ToBytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
  return out;
}

function encodeValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $num: String(value) };
  if (value instanceof Float32Array || value instanceof Float64Array) {
    const key = value instanceof Float32Array ? '$f32' : '$f64';
    return { [key]: bytesToBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeValue(v);
    return out;
  }
  return value;
}

export function encodeTypedJson(message: unknown): string {
  return JSON.stringify(encodeValue(message));
}

export function decodeTypedJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1) {
        if (typeof o.$f32 === 'string') {
          const b = base64ToBytes(o.$f32);
          return new Float32Array(b.buffer, 0, b.length >> 2);
        }
        if (typeof o.$f64 === 'string') {
          const b = base64ToBytes(o.$f64);
          return new Float64Array(b.buffer, 0, b.length >> 3);
        }
        if (o.$num === 'NaN' || o.$num === 'Infinity' || o.$num === '-Infinity') return Number(o.$num);
      }
    }
    return value;
  });
}
