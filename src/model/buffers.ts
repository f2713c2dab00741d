// Binary buffers as the widget manager hands them over, viewed as typed arrays.

/** A binary buffer as the widget manager hands it over (DataView in JupyterLab/VS Code). */
export type Buffer = DataView | ArrayBuffer | ArrayBufferView | ArrayLike<number>;

type TypedCtor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  from(values: ArrayLike<number>): T;
  BYTES_PER_ELEMENT: number;
};

/**
 * View a buffer as a little-endian typed array of `Ctor`.
 *
 * Zero-copy when the bytes are aligned; copies otherwise (a DataView may start at any byte
 * offset of a larger message buffer). Plain number arrays are accepted for tests and for
 * widget managers that hand over lists. Missing buffers give an empty array.
 */
export function toTyped<T extends ArrayBufferView>(buf: Buffer | null | undefined, Ctor: TypedCtor<T>): T {
  if (buf == null) return new Ctor(0);
  if (buf instanceof Ctor) return buf;
  let bytes: ArrayBufferLike;
  let offset = 0;
  let length: number;
  if (ArrayBuffer.isView(buf)) {
    bytes = buf.buffer;
    offset = buf.byteOffset;
    length = buf.byteLength;
  } else if (buf instanceof ArrayBuffer || isArrayBufferLike(buf)) {
    bytes = buf as ArrayBufferLike;
    length = (buf as ArrayBuffer).byteLength;
  } else {
    return Ctor.from(buf as ArrayLike<number>);
  }
  const size = Ctor.BYTES_PER_ELEMENT;
  const count = Math.floor(length / size);
  if (offset % size === 0) return new Ctor(bytes, offset, count);
  const copy = new Uint8Array(count * size);
  copy.set(new Uint8Array(bytes, offset, count * size));
  return new Ctor(copy.buffer, 0, count);
}

function isArrayBufferLike(x: unknown): boolean {
  return typeof x === "object" && x !== null && typeof (x as ArrayBuffer).byteLength === "number"
    && typeof (x as ArrayBuffer).slice === "function" && !("length" in (x as object));
}
