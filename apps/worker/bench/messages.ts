/** The message of a thrown value (its `message` when it has one). */
export function messageOf(error: unknown): string {
  return String((error as { message?: unknown } | null)?.message ?? error);
}
