import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateInteractions } from '../data/synth-interactions.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { crossValidateInteractions, perUserFolds } from './cross-validate-interactions.js';
import { rankInteractionTrials, tuneInteractions, tunedInteractionConfig } from './tune-interactions.js';
import { validateInteractionConfig } from '../commands/interaction-config.js';

const quick = { dim: 16, iterations: 4, threads: 1 } as const;

async function plantedFile(dir: string): Promise<string> {
  const data = generateInteractions({ users: 300, items: 200, interactions: 9000, clusters: 6, seed: 4 });
  const path = join(dir, 'clicks.tsv');
  await writeRatingsFile(path, { ...data, ratings: data.weights }, { valueName: 'weight' });
  return path;
}

describe('tuneInteractions', () => {
  const tempDir = useTempDirs();

  it('scores every trial by validation NDCG@10, picks the highest, and measures only the winner on test', async () => {
    const file = await plantedFile(await tempDir());
    const result = await tuneInteractions(file, {
      space: { unobservedWeight: [0.05, 0.5], l2: [0.005, 5] },
      search: 'grid',
      base: { ...quick, regExponent: 0 },
      seed: 3,
    });
    expect(result.trials).toHaveLength(4);
    expect(result.varied).toEqual(['l2', 'unobservedWeight']);
    for (const t of result.trials) {
      expect(t.valNdcg).toBeGreaterThan(0);
      expect(t.model.dim).toBe(16);
      expect(t.model.regExponent).toBe(0);
    }
    const best = rankInteractionTrials(result.trials)[0]!;
    expect(result.best).toBe(best);
    expect(Math.max(...result.trials.map((t) => t.valNdcg))).toBe(best.valNdcg);
    // The trials differ: the search space matters on this data.
    expect(new Set(result.trials.map((t) => t.valNdcg.toFixed(6))).size).toBeGreaterThan(1);
    expect(result.test?.model.ndcg).toBeGreaterThan(result.test!.popularity.ndcg);
    expect(result.rows.train + result.rows.validation + result.rows.test).toBe(9000);

    const config = tunedInteractionConfig(result, new Date('2026-01-01T00:00:00Z'));
    expect(config.objective).toBe('interaction');
    expect(config.tuned.valNdcg).toBe(best.valNdcg);
    // The written config is one train --config accepts.
    const { threads: _threads, ...hyperparameters } = best.model;
    expect(validateInteractionConfig(JSON.parse(JSON.stringify(config)), 'best.json')).toEqual(hyperparameters);
  }, 60_000);

  it('refuses bad candidate values naming the hyperparameter', async () => {
    const file = await plantedFile(await tempDir());
    await expect(tuneInteractions(file, { space: { unobservedWeight: [-1] } })).rejects.toThrow(
      /unobservedWeight: -1 must be a number from 0 to 100/,
    );
    await expect(tuneInteractions(file, { space: { method: ['als' as never] } })).rejects.toThrow(
      /method: "als" must be one of/,
    );
  });
});

describe('per-user cross-validation of interaction models', () => {
  const tempDir = useTempDirs();

  it('deals each user’s rows over the folds evenly', () => {
    const users = Uint32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    const folds = perUserFolds(users, 3, 3, 1);
    for (const u of [0, 1]) {
      const counts = [0, 0, 0];
      users.forEach((owner, r) => owner === u && counts[folds[r]!]!++);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    expect(Array.from(perUserFolds(users, 3, 3, 1))).toEqual(Array.from(folds));
    expect(() => perUserFolds(users, 3, 1, 1)).toThrow(/folds must be an integer ≥ 2/);
  });

  it('tests every row exactly once and beats popularity in every fold', async () => {
    const file = await plantedFile(await tempDir());
    const result = await crossValidateInteractions(file, 3, { recipe: quick });
    expect(result.folds).toHaveLength(3);
    expect(result.folds.reduce((n, f) => n + f.rows.test, 0)).toBe(9000);
    for (const fold of result.folds) expect(fold.model.ndcg).toBeGreaterThan(fold.popularity.ndcg);
    expect(result.ndcg.mean).toBeCloseTo(result.folds.reduce((s, f) => s + f.model.ndcg, 0) / 3, 12);
    expect(result.ndcg.std).toBeGreaterThan(0);
  }, 60_000);
});
