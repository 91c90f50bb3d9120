import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../user-error.js';
import { isMissing } from './errno.js';
import { nonRegularKind, pseudoFileSystem } from './file-kind.js';

/** An output file to check, with the name it goes by in messages ("train output"). */
export interface OutputPath {
  label: string;
  path: string;
}

/** Options of checkOutputPaths. */
export interface OutputCheckOptions {
  /** Files the run reads; no output may be one of them. */
  inputs: readonly string[];
  /** Allow replacing existing regular files. */
  force: boolean;
}

/**
 * Checks, before any work, that each output can be written without harm: its directory exists
 * (or can be created) and is writable, it is not an input, not another output, not a directory,
 * a device, a FIFO, a socket or a file of a kernel pseudo file system (/proc, /sys), and does not
 * exist unless `force`. Throws a UserError saying which and why.
 * @example await checkOutputPaths([{ label: 'model output', path: 'model.json' }], { inputs: ['ratings.tsv'], force: true })
 */
export async function checkOutputPaths(outputs: readonly OutputPath[], options: OutputCheckOptions): Promise<void> {
  const inputs = await Promise.all(options.inputs.map(async (path) => ({ path, info: await statOrUndefined(path) })));
  const seen = new Map<string, string>();
  for (const { label, path } of outputs) {
    const full = resolve(path);
    const other = seen.get(full);
    if (other !== undefined) throw new UserError(`the ${other} and the ${label} are the same file: ${path}`);
    seen.set(full, label);
    const info = await statOrUndefined(path);
    for (const input of inputs) {
      if (
        full === resolve(input.path) ||
        (info !== undefined && input.info !== undefined && sameFile(info, input.info))
      ) {
        throw new UserError(`the ${label} ${path} is the input file ${input.path}; choose another output`);
      }
    }
    const kind = info === undefined ? undefined : nonRegularKind(info);
    if (kind === 'a directory') throw new UserError(`the ${label} ${path} is a directory; give a file name`);
    if (kind !== undefined)
      throw new UserError(`the ${label} ${path} is ${kind}, not a regular file; choose another path`);
    await checkDirectory(dirname(full), { label, target: path, action: `write the ${label} into ${dirname(full)}` });
    if (info !== undefined && !options.force)
      throw new UserError(`the ${label} ${path} already exists (use --force to overwrite it)`);
  }
}

/**
 * Checks that an output directory can be used: it is a directory (or can be created) on an
 * ordinary, writable file system. Throws a UserError naming `label` otherwise.
 */
export async function checkOutputDirectory(dir: string, label: string): Promise<void> {
  const full = resolve(dir);
  const info = await statOrUndefined(full);
  const kind = info === undefined ? undefined : nonRegularKind(info);
  if (info !== undefined && kind !== 'a directory') {
    throw new UserError(`the ${label} ${dir} is ${kind ?? 'a file'}, not a directory`);
  }
  await checkDirectory(full, {
    label,
    target: dir,
    action: info === undefined ? `create the ${label} ${dir}` : `write into the ${label} ${dir}`,
  });
}

/** How checkDirectory words its messages: "cannot <action>: …", "the <label> <target> is on …". */
interface DirectoryUse {
  label: string;
  target: string;
  action: string;
}

/** Checks that the directory, or its nearest existing ancestor, is a writable directory on an ordinary file system. */
async function checkDirectory(dir: string, use: DirectoryUse): Promise<void> {
  let existing = dir;
  let info = await statOrUndefined(existing);
  while (info === undefined && dirname(existing) !== existing) {
    existing = dirname(existing);
    info = await statOrUndefined(existing);
  }
  if (info === undefined) throw new UserError(`cannot ${use.action}: no directory above it exists`);
  if (!info.isDirectory()) throw new UserError(`cannot ${use.action}: ${existing} is not a directory`);
  const pseudo = await pseudoFileSystem(existing);
  if (pseudo !== undefined) {
    throw new UserError(
      `the ${use.label} ${use.target} is on the ${pseudo} pseudo file system, not on disk; choose another path`,
    );
  }
  try {
    await access(existing, constants.W_OK);
  } catch {
    throw new UserError(`cannot ${use.action}: ${existing} is not writable`);
  }
}

/** Same device and inode: one file under two names (a hard link or a symlink). */
function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** The file's stats (following symlinks), or undefined when nothing is there. */
async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new UserError(`cannot check ${path}: ${(error as Error).message}`);
  }
}
