import { gaussian, mulberry32, shuffleInPlace } from '../random.js';

/** Synthetic interactions with known structure, split per user into train and test pairs. */
export interface PlantedInteractions {
  users: number;
  items: number;
  train: { users: Int32Array; items: Int32Array };
  test: { users: Int32Array; items: Int32Array };
}

/** Options for {@link plantedInteractions}. */
export interface PlantedOptions {
  users?: number;
  items?: number;
  /** Taste clusters: each user and item belongs to one. */
  clusters?: number;
  /** Interactions per user. */
  perUser?: number;
  /** Chance that an interaction is with an item of the user's own cluster (else any item by popularity). */
  affinity?: number;
  /** Share of each user's interactions held out for test. */
  testShare?: number;
  seed?: number;
}

/**
 * Users and items in `clusters` taste groups; each user picks `perUser` distinct items, with
 * chance `affinity` from their own group and otherwise from the whole catalogue, both with
 * Zipf-like popularity. The last `testShare` of each user's (shuffled) items is the test set.
 * A model that learns the groups ranks test items far above a popularity list.
 */
export function plantedInteractions(options: PlantedOptions = {}): PlantedInteractions {
  const users = options.users ?? 300;
  const items = options.items ?? 200;
  const clusters = options.clusters ?? 6;
  const perUser = Math.min(options.perUser ?? 20, items);
  const affinity = options.affinity ?? 0.8;
  const testShare = options.testShare ?? 0.25;
  const random = mulberry32(options.seed ?? 5);
  const noise = gaussian((options.seed ?? 5) + 1);
  const itemCluster = Int32Array.from({ length: items }, (_, i) => i % clusters);
  // Popularity: a lognormal weight per item, so a few items are much more popular.
  const weight = Float64Array.from({ length: items }, () => Math.exp(noise()));
  const byCluster = Array.from({ length: clusters }, (_, c) =>
    Array.from({ length: items }, (_, i) => i).filter((i) => itemCluster[i] === c),
  );
  const pick = (pool: number[]) => {
    let total = 0;
    for (const i of pool) total += weight[i]!;
    let x = random() * total;
    for (const i of pool) if ((x -= weight[i]!) <= 0) return i;
    return pool[pool.length - 1]!;
  };
  const all = Array.from({ length: items }, (_, i) => i);
  const train: { users: number[]; items: number[] } = { users: [], items: [] };
  const test: { users: number[]; items: number[] } = { users: [], items: [] };
  for (let u = 0; u < users; u++) {
    const own = byCluster[u % clusters]!;
    const chosen = new Set<number>();
    while (chosen.size < perUser) chosen.add(pick(random() < affinity ? own : all));
    const list = shuffleInPlace(Int32Array.from(chosen), random);
    const cut = Math.round(list.length * (1 - testShare));
    for (let j = 0; j < list.length; j++) {
      const part = j < cut ? train : test;
      part.users.push(u);
      part.items.push(list[j]!);
    }
  }
  return {
    users,
    items,
    train: { users: Int32Array.from(train.users), items: Int32Array.from(train.items) },
    test: { users: Int32Array.from(test.users), items: Int32Array.from(test.items) },
  };
}
