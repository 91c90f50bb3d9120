/** Which column indices hold the user id, the item id and the rating (and, when the file has one, the timestamp). */
export interface RatingColumns {
  user: number;
  item: number;
  rating: number;
  timestamp?: number;
}

/** Column roles a header can name. */
export type ColumnRole = 'user' | 'item' | 'rating' | 'weight' | 'timestamp';

/** The index of the first header naming each role; a role no header names is absent. */
export type HeaderColumns = Partial<Record<ColumnRole, number>>;

/** Header names (normalized: lower case, no `_`, `-` or spaces) recognized for each role; no name is in two roles. */
const NAMES: Record<ColumnRole, ReadonlySet<string>> = {
  user: new Set([
    'user',
    'userid',
    'users',
    'uid',
    'customer',
    'customerid',
    'client',
    'clientid',
    'member',
    'memberid',
    'reviewer',
    'reviewerid',
    'visitor',
    'visitorid',
    'person',
    'personid',
  ]),
  item: new Set([
    'item',
    'itemid',
    'items',
    'iid',
    'movie',
    'movieid',
    'product',
    'productid',
    'asin',
    'track',
    'trackid',
    'song',
    'songid',
    'book',
    'bookid',
    'isbn',
    'article',
    'articleid',
    'anime',
    'animeid',
    'game',
    'gameid',
    'business',
    'businessid',
    'recipe',
    'recipeid',
    'video',
    'videoid',
    'artist',
    'artistid',
    'joke',
    'jokeid',
    'title',
    'titleid',
  ]),
  rating: new Set(['rating', 'ratings', 'score', 'stars', 'star', 'value', 'rate', 'grade', 'overall', 'preference']),
  weight: new Set([
    'weight',
    'weights',
    'count',
    'counts',
    'click',
    'clicks',
    'clickcount',
    'play',
    'plays',
    'playcount',
    'listens',
    'listencount',
    'view',
    'views',
    'viewcount',
    'quantity',
    'qty',
    'duration',
    'watchtime',
    'dwelltime',
    'confidence',
    'strength',
    'frequency',
    'freq',
    'visits',
    'purchases',
    'interactions',
  ]),
  timestamp: new Set([
    'timestamp',
    'timestamps',
    'time',
    'ts',
    'datetime',
    'date',
    'unixtime',
    'unixtimestamp',
    'epoch',
    'created',
    'createdat',
    'createdtime',
    'eventtime',
    'eventtimestamp',
    'eventdate',
    'ratedat',
    'ratingtime',
    'ratingdate',
    'reviewtime',
    'reviewdate',
    'unixreviewtime',
    'occurredat',
  ]),
};

const ROLES = Object.keys(NAMES) as ColumnRole[];

/** Normalizes a header name for matching: lower case, without `_`, `-`, spaces or a byte-order mark. */
export function normalizeHeaderName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-\ufeff]+/g, '');
}

/** The index of the first header naming each role (user, item, rating, weight, timestamp). */
export function findHeaderColumns(header: readonly string[]): HeaderColumns {
  const found: HeaderColumns = {};
  header.forEach((name, index) => {
    const key = normalizeHeaderName(name);
    const role = ROLES.find((r) => NAMES[r].has(key));
    if (role !== undefined && found[role] === undefined) found[role] = index;
  });
  return found;
}
