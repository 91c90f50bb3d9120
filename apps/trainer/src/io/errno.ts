/** The Node error code of a failed file-system call (`ENOENT`, …), or undefined for any other error. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a failed call means "nothing is there" (the path or one of its parents is missing). */
export function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Why a file could not be read, in words: no such file, permission denied, a directory, else the system's message. */
export function readFailureReason(error: unknown): string {
  switch (errnoCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'this is a directory, not a file';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Why a file could not be written, in words: its folder is missing, it is a directory, else the system's message and a hint. */
export function writeFailureReason(error: unknown): string {
  const code = errnoCode(error);
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EISDIR') return 'is a directory';
  return `${error instanceof Error ? error.message : String(error)}${writeFailureHint(code)}`;
}

/** ` (disk full?)` or ` (no permission?)` after a write error whose code usually means that, else ''. */
export function writeFailureHint(code: string | undefined): string {
  if (code === 'ENOSPC' || code === 'EDQUOT') return ' (disk full?)';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return ' (no permission?)';
  return '';
}
