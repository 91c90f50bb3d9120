import { unknownIdMessage, type IdIndex } from '@edgerec/core';
import { UserError } from '../user-error.js';

/** The model index of a user or item id; a UserError when the model does not know it. */
export function requireIndex(index: IdIndex, id: string, kind: 'user' | 'item'): number {
  const found = index.indexOf(id);
  if (found === undefined) throw new UserError(unknownIdMessage(kind, id, index.size));
  return found;
}
