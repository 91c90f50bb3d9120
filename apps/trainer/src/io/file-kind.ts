import type { Stats } from 'node:fs';
import { stat, statfs } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/** What a path is when it is not a regular file, in words for a message ("a named pipe (FIFO)"); undefined for a regular file. */
export function nonRegularKind(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * Why an input that stats as `info` is not read (a FIFO would block until a writer comes, a
 * device such as /dev/zero never ends), e.g. "this is a named pipe (FIFO), not a regular file; …";
 * undefined for a regular file.
 */
export function unreadableKindProblem(info: Stats): string | undefined {
  const kind = nonRegularKind(info);
  if (kind === undefined) return undefined;
  if (kind === 'a directory') return 'this is a directory, not a file';
  if (kind === 'a named pipe (FIFO)')
    return 'this is a named pipe (FIFO), not a regular file; save the data to a file first';
  return `this is ${kind}, not a regular file`;
}

/** {@link unreadableKindProblem} of the file at `path`; undefined when it is regular or cannot be stat'ed (reading it then says why). */
export async function unreadableProblem(path: string): Promise<string | undefined> {
  try {
    return unreadableKindProblem(await stat(path));
  } catch {
    return undefined;
  }
}

/** Linux statfs magic numbers of kernel pseudo file systems, whose "files" are views of the kernel. */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x6e736673, 'nsfs'],
]);

/** Where those file systems are mounted when statfs cannot say (not Linux, or it failed). */
const PSEUDO_ROOTS = [`${sep}proc`, `${sep}sys`];

/**
 * The name of the kernel pseudo file system (proc, sysfs, …) that existing `path` lives on, or
 * undefined for an ordinary one. Files there stat as regular files of size 0 but are not data.
 */
export async function pseudoFileSystem(path: string): Promise<string | undefined> {
  if (process.platform === 'linux') {
    try {
      const { type } = await statfs(path);
      return PSEUDO_FILE_SYSTEMS.get(type);
    } catch {
      // fall through to the path test
    }
  }
  const full = resolve(path);
  const root = PSEUDO_ROOTS.find((prefix) => full === prefix || full.startsWith(`${prefix}${sep}`));
  return root?.slice(1);
}
