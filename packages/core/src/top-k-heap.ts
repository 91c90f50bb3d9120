/**
 * Keeps the k best (score, index) pairs seen so far in a bounded min-heap: higher score is
 * better, and on equal scores the lower index is better. Allocates only its two k-sized arrays.
 */
export class TopKHeap {
  private readonly scores: Float64Array;
  private readonly indices: Int32Array;
  private count = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.indices = new Int32Array(k);
  }

  /** Number of pairs held (at most k). */
  get size(): number {
    return this.count;
  }

  /** Offers a pair; it is kept if the heap is not full or it beats the worst pair held. */
  push(score: number, index: number): void {
    // Kept small so it inlines into scoring loops: most offers lose to the root and stop here.
    if (this.count === this.k) {
      const root = this.scores[0]!;
      if (score < root || (score === root && index > this.indices[0]!) || this.k === 0) return;
      this.replaceRoot(score, index);
    } else {
      this.insert(score, index);
    }
  }

  /** The pairs held, best first (ties: lower index first). */
  sorted(): { score: number; index: number }[] {
    const out = Array.from({ length: this.count }, (_, j) => ({ score: this.scores[j]!, index: this.indices[j]! }));
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }

  private insert(score: number, index: number): void {
    const { scores, indices } = this;
    let c = this.count++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!worse(score, index, scores[p]!, indices[p]!)) break;
      scores[c] = scores[p]!;
      indices[c] = indices[p]!;
      c = p;
    }
    scores[c] = score;
    indices[c] = index;
  }

  private replaceRoot(score: number, index: number): void {
    const { scores, indices, k } = this;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= k) break;
      const r = l + 1;
      const m = r < k && worse(scores[r]!, indices[r]!, scores[l]!, indices[l]!) ? r : l;
      if (!worse(scores[m]!, indices[m]!, score, index)) break;
      scores[c] = scores[m]!;
      indices[c] = indices[m]!;
      c = m;
    }
    scores[c] = score;
    indices[c] = index;
  }
}

/** Whether (score a, index ia) ranks below (score b, index ib). */
function worse(a: number, ia: number, b: number, ib: number): boolean {
  return a < b || (a === b && ia > ib);
}
