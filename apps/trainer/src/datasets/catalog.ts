import type { RatingsFormat } from '../data/formats.js';
import { UserError } from '../user-error.js';

/** Where GroupLens serves the MovieLens zips; `EDGEREC_DATASETS_URL` replaces it (mirrors, tests). */
export const DEFAULT_DATASETS_URL = 'https://files.grouplens.org/datasets/movielens';

/** Environment variable that replaces DEFAULT_DATASETS_URL. */
export const DATASETS_URL_ENV = 'EDGEREC_DATASETS_URL';

/** Page with the MovieLens terms of use. */
export const MOVIELENS_LICENCE_URL = 'https://grouplens.org/datasets/movielens/';

/** The paper GroupLens asks users of MovieLens to cite. */
export const MOVIELENS_CITATION =
  'F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and Context. ' +
  'ACM Transactions on Interactive Intelligent Systems (TiiS) 5, 4: 19:1–19:19. https://doi.org/10.1145/2827872';

/** The MovieLens terms in brief (the zip's README holds the full text). */
export const MOVIELENS_TERMS: readonly string[] = [
  'research use only: no commercial or revenue-bearing use without permission from GroupLens',
  'do not redistribute the data (or commit it to a repository) without separate permission',
  'do not state or imply endorsement by the University of Minnesota or GroupLens',
  `acknowledge the data in publications by citing: ${MOVIELENS_CITATION}`,
];

/** A dataset `edgerec data fetch` knows how to download. */
export interface DatasetInfo {
  /** Name on the command line; also the zip's base name and its top-level folder. */
  name: string;
  title: string;
  /** What is in it, for `data list`. */
  summary: string;
  /** Zip file name under the base URL. */
  zip: string;
  /** Exact size of the published zip in bytes, or null when it is not pinned. */
  bytes: number | null;
  /** Rough size for display when `bytes` is null. */
  approxBytes: number;
  /** Hex MD5 of the zip as GroupLens publishes it (`<zip>.md5`), or null when not pinned. */
  md5: string | null;
  /** Hex SHA-256 of the zip, or null when not pinned. */
  sha256: string | null;
  /** Top-level folder inside the zip; it becomes `<cache>/<folder>`. */
  folder: string;
  /** Ratings file, relative to the cache folder (so it starts with `folder/`). */
  ratingsFile: string;
  /** Its layout for `readRatingsFile`. */
  format: RatingsFormat;
  /** A canonical train/test split shipped in the zip, relative to the cache folder. */
  split: { train: string; test: string } | null;
  /** The dataset's page on grouplens.org (terms and README). */
  page: string;
}

/**
 * Pinned digests: ml-100k and ml-1m are frozen releases (1998 and 2003) whose zips have not changed
 * in years; their MD5 matches the `.md5` file GroupLens publishes. ml-latest-small is regenerated
 * from time to time, so it is verified against the published `.md5` at download time instead.
 */
export const DATASETS: readonly DatasetInfo[] = [
  {
    name: 'ml-100k',
    title: 'MovieLens 100K',
    summary: '100,000 ratings (1–5) from 943 users on 1,682 movies; released 1998',
    zip: 'ml-100k.zip',
    bytes: 4_924_029,
    approxBytes: 4_924_029,
    md5: '0e33842e24a9c977be4e0107933c0723',
    sha256: '50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229',
    folder: 'ml-100k',
    ratingsFile: 'ml-100k/u.data',
    format: 'movielens-100k',
    split: { train: 'ml-100k/u1.base', test: 'ml-100k/u1.test' },
    page: 'https://grouplens.org/datasets/movielens/100k/',
  },
  {
    name: 'ml-1m',
    title: 'MovieLens 1M',
    summary: '1,000,209 ratings (1–5) from 6,040 users on 3,706 movies; released 2003',
    zip: 'ml-1m.zip',
    bytes: 5_917_549,
    approxBytes: 5_917_549,
    md5: 'c4d9eecfca2ab87c1945afe126590906',
    sha256: 'a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20',
    folder: 'ml-1m',
    ratingsFile: 'ml-1m/ratings.dat',
    format: 'movielens-1m',
    split: null,
    page: 'https://grouplens.org/datasets/movielens/1m/',
  },
  {
    name: 'ml-latest-small',
    title: 'MovieLens Latest Small',
    summary: 'about 100,000 ratings (0.5–5, half stars) from ~600 users on ~9,700 movies; changes over time',
    zip: 'ml-latest-small.zip',
    bytes: null,
    approxBytes: 1_000_000,
    md5: null,
    sha256: null,
    folder: 'ml-latest-small',
    ratingsFile: 'ml-latest-small/ratings.csv',
    format: 'movielens-csv',
    split: null,
    page: 'https://grouplens.org/datasets/movielens/latest/',
  },
];

/** Names of DATASETS, for messages. */
export function datasetNames(catalog: readonly DatasetInfo[] = DATASETS): string[] {
  return catalog.map((d) => d.name);
}

/** The catalog entry named `name`; an unknown name is a UserError listing the known ones. */
export function findDataset(name: string, catalog: readonly DatasetInfo[] = DATASETS): DatasetInfo {
  const found = catalog.find((d) => d.name === name);
  if (found) return found;
  throw new UserError(
    `unknown dataset "${name}"; known datasets: ${datasetNames(catalog).join(', ')} (see \`edgerec data list\`)`,
  );
}

/** The base URL to download from: `EDGEREC_DATASETS_URL` when set (must be http or https), else GroupLens. */
export function datasetsBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env[DATASETS_URL_ENV]?.trim();
  if (!raw) return DEFAULT_DATASETS_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`${DATASETS_URL_ENV} is not a URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`${DATASETS_URL_ENV} must be an http or https URL (got "${raw}")`);
  }
  return raw.replace(/\/+$/, '');
}

/** URL of a dataset's zip under `baseUrl`. */
export function datasetUrl(info: DatasetInfo, baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${info.zip}`;
}

/** The licence notice printed before a download. */
export function licenceNotice(info: DatasetInfo): string {
  return (
    `${info.title} (${info.name}) is provided by GroupLens Research, University of Minnesota, under these terms:\n` +
    MOVIELENS_TERMS.map((term) => `  - ${term}\n`).join('') +
    `Full terms: ${MOVIELENS_LICENCE_URL} (and ${info.page}, and the README in the zip).\n` +
    'By downloading it you accept them.\n'
  );
}
