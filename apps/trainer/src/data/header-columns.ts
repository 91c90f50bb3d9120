/** Which column indices hold the user id, the item id and the rating. */
export interface RatingColumns {
  user: number;
  item: number;
  rating: number;
}

/** Column roles a ratings file must provide. */
export type ColumnRole = keyof RatingColumns;

/** Header names (normalized: lower case, no `_`, `-` or spaces) recognized for each role. */
const NAMES: Record<ColumnRole, ReadonlySet<string>> = {
  user: new Set([
    'user', 'userid', 'users', 'uid', 'customer', 'customerid', 'client', 'clientid',
    'member', 'memberid', 'reviewer', 'reviewerid', 'visitor', 'visitorid', 'person', 'personid',
  ]),
  item: new Set([
    'item', 'itemid', 'items', 'iid', 'movie', 'movieid', 'product', 'productid', 'asin',
    'track', 'trackid', 'song', 'songid', 'book', 'bookid', 'isbn', 'article', 'articleid',
    'anime', 'animeid', 'game', 'gameid', 'business', 'businessid', 'recipe', 'recipeid',
    'video', 'videoid', 'artist', 'artistid', 'joke', 'jokeid', 'title', 'titleid',
  ]),
  rating: new Set(['rating', 'ratings', 'score', 'stars', 'star', 'value', 'rate', 'grade', 'overall', 'preference']),
};

/** Normalizes a header name for matching: lower case, without `_`, `-`, spaces or a byte-order mark. */
export function normalizeHeaderName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-\ufeff]+/g, '');
}

/** The index of the first header naming each role, or undefined for a role no header names. */
export function findRatingColumns(header: readonly string[]): Partial<RatingColumns> {
  const found: Partial<RatingColumns> = {};
  header.forEach((name, index) => {
    const key = normalizeHeaderName(name);
    for (const role of ['user', 'item', 'rating'] as const) {
      if (found[role] === undefined && NAMES[role].has(key)) {
        found[role] = index;
        return;
      }
    }
  });
  return found;
}
