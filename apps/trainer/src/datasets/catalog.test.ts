import { describe, expect, it } from 'vitest';
import { isRatingsFormat } from '../data/formats.js';
import { UserError } from '../user-error.js';
import { DATASETS, DEFAULT_DATASETS_URL, datasetsBaseUrl, datasetUrl, findDataset, licenceNotice } from './catalog.js';

describe('dataset catalog', () => {
  it('knows ml-100k, ml-1m and ml-latest-small with consistent paths', () => {
    expect(DATASETS.map((d) => d.name)).toEqual(['ml-100k', 'ml-1m', 'ml-latest-small']);
    for (const d of DATASETS) {
      expect(d.zip).toBe(`${d.name}.zip`);
      expect(d.ratingsFile.startsWith(`${d.folder}/`)).toBe(true);
      if (d.split) for (const file of [d.split.train, d.split.test]) expect(file.startsWith(`${d.folder}/`)).toBe(true);
      expect(isRatingsFormat(d.format)).toBe(true);
      if (d.md5 !== null) expect(d.md5).toMatch(/^[0-9a-f]{32}$/);
      if (d.sha256 !== null) expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(d.page).toMatch(/^https:\/\/grouplens\.org\/datasets\/movielens\//);
    }
    expect(findDataset('ml-100k').split).toEqual({ train: 'ml-100k/u1.base', test: 'ml-100k/u1.test' });
    // The frozen releases are pinned; ml-latest-small changes over time and is checked against the published .md5.
    expect(findDataset('ml-100k').md5).toBe('0e33842e24a9c977be4e0107933c0723');
    expect(findDataset('ml-latest-small').md5).toBeNull();
    expect(findDataset('ml-latest-small').sha256).toBeNull();
  });

  it('names the known datasets when the name is unknown', () => {
    expect(() => findDataset('ml-10m')).toThrow(UserError);
    expect(() => findDataset('ml-10m')).toThrow(
      'unknown dataset "ml-10m"; known datasets: ml-100k, ml-1m, ml-latest-small',
    );
  });

  it('downloads from GroupLens unless EDGEREC_DATASETS_URL names a mirror', () => {
    const ml100k = findDataset('ml-100k');
    expect(datasetUrl(ml100k, datasetsBaseUrl({}))).toBe('https://files.grouplens.org/datasets/movielens/ml-100k.zip');
    expect(datasetsBaseUrl({ EDGEREC_DATASETS_URL: '  ' })).toBe(DEFAULT_DATASETS_URL);
    const mirror = datasetsBaseUrl({ EDGEREC_DATASETS_URL: 'http://127.0.0.1:8080/movielens/' });
    expect(datasetUrl(ml100k, mirror)).toBe('http://127.0.0.1:8080/movielens/ml-100k.zip');
    expect(() => datasetsBaseUrl({ EDGEREC_DATASETS_URL: 'not a url' })).toThrow(/EDGEREC_DATASETS_URL is not a URL/);
    expect(() => datasetsBaseUrl({ EDGEREC_DATASETS_URL: 'file:///srv/movielens' })).toThrow(
      /must be an http or https URL/,
    );
  });

  it('spells out the MovieLens terms', () => {
    const notice = licenceNotice(findDataset('ml-1m'));
    expect(notice).toContain('MovieLens 1M (ml-1m)');
    expect(notice).toMatch(/research use only/);
    expect(notice).toMatch(/do not redistribute/);
    expect(notice).toContain('Harper and Joseph A. Konstan');
    expect(notice).toContain('https://grouplens.org/datasets/movielens/');
  });
});
