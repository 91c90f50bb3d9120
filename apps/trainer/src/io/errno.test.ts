import { describe, expect, it } from 'vitest';
import { errnoCode, isMissing, readFailureReason, writeFailureHint, writeFailureReason } from './errno.js';

const fsError = (code: string, message = `${code}: something`) => Object.assign(new Error(message), { code });

describe('errno messages', () => {
  it('reads the code of file-system errors only', () => {
    expect(errnoCode(fsError('ENOENT'))).toBe('ENOENT');
    expect(errnoCode(new Error('plain'))).toBeUndefined();
    expect(errnoCode(undefined)).toBeUndefined();
    expect(isMissing(fsError('ENOTDIR'))).toBe(true);
    expect(isMissing(fsError('EACCES'))).toBe(false);
  });

  it('says why a read failed in words, else with the system message', () => {
    expect(readFailureReason(fsError('ENOENT'))).toBe('no such file');
    expect(readFailureReason(fsError('EPERM'))).toBe('permission denied');
    expect(readFailureReason(fsError('EISDIR'))).toBe('this is a directory, not a file');
    expect(readFailureReason(fsError('EIO', 'EIO: i/o error'))).toBe('EIO: i/o error');
  });

  it('says why a write failed, with a hint for a full disk or a missing permission', () => {
    expect(writeFailureReason(fsError('ENOENT'))).toBe('no such directory');
    expect(writeFailureReason(fsError('ENOSPC', 'ENOSPC: no space'))).toBe('ENOSPC: no space (disk full?)');
    expect(writeFailureHint('EROFS')).toBe(' (no permission?)');
    expect(writeFailureHint(undefined)).toBe('');
  });
});
