/** A seeded uniform generator on [0, 1) (mulberry32): small, fast, and reproducible across runtimes. */
export function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded standard normal generator (Box-Muller over mulberry32). */
export function gaussian(seed: number): () => number {
  const uniform = mulberry32(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u = 1 - uniform();
    const v = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

/** Shuffles `values` in place with Fisher-Yates driven by `random`; returns it. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(
  values: T,
  random: () => number,
): T {
  for (let k = values.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    const tmp = values[k]!;
    values[k] = values[j]!;
    values[j] = tmp;
  }
  return values;
}
