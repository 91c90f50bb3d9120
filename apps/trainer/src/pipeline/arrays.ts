/** a followed by b, as one Uint32Array. */
export function concatIndices(a: ArrayLike<number>, b: ArrayLike<number>): Uint32Array {
  return concatInto(new Uint32Array(a.length + b.length), a, b);
}

/** a followed by b, in a new array of a's type. */
export function concatSame<T extends Int32Array | Float32Array>(a: T, b: T): T {
  return concatInto(new (a.constructor as new (n: number) => T)(a.length + b.length), a, b);
}

function concatInto<T extends Uint32Array | Int32Array | Float32Array>(
  out: T,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): T {
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The object without its undefined-valued keys (so spreading it never overrides a default with undefined). */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
