/** What an evaluation excluded from each user's ranking, as its report says it. */
export type ExcludedItems =
  | 'training items from --train and the model'
  | 'training items stored in the model'
  | 'nothing';

/** The exclusion note of an evaluation: the --train file's items and the model's, the model's, or none. */
export function excludedItemsNote(train: string | undefined, seen: unknown): ExcludedItems {
  if (train !== undefined) return 'training items from --train and the model';
  return seen ? 'training items stored in the model' : 'nothing';
}
