/** An error caused by the user's input or environment: printed without a stack trace. */
export class UserError extends Error {
  override readonly name = 'UserError';
}
