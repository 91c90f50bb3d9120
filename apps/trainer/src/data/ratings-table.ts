/** Ratings in columnar form: row r is (userIds[users[r]], itemIds[items[r]], ratings[r]). */
export interface RatingsTable {
  users: Uint32Array;
  items: Uint32Array;
  ratings: Float32Array;
  userIds: readonly string[];
  itemIds: readonly string[];
  /** Seconds since the Unix epoch of each row, when the file had a timestamp column. */
  timestamps?: Float64Array;
}
