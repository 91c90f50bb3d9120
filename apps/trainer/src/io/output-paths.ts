import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../user-error.js';

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
 * (or can be created) and is writable, it is not an input, not another output, not a directory
 * or a special file, and does not exist unless `force`. Throws a UserError saying which and why.
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
      if (full === resolve(input.path) || (info !== undefined && input.info !== undefined && sameFile(info, input.info))) {
        throw new UserError(`the ${label} ${path} is the input file ${input.path}; choose another output`);
      }
    }
    if (info?.isDirectory()) throw new UserError(`the ${label} ${path} is a directory`);
    if (info !== undefined && !info.isFile()) throw new UserError(`the ${label} ${path} exists and is not a regular file`);
    if (info !== undefined && !options.force) throw new UserError(`the ${label} ${path} already exists (use --force to overwrite it)`);
    await checkDirectory(dirname(full), label);
  }
}

/** The directory exists and is writable, or its nearest existing ancestor is a writable directory. */
async function checkDirectory(dir: string, label: string): Promise<void> {
  let existing = dir;
  let info = await statOrUndefined(existing);
  while (info === undefined && dirname(existing) !== existing) {
    existing = dirname(existing);
    info = await statOrUndefined(existing);
  }
  if (info === undefined) throw new UserError(`cannot create the directory of the ${label}: ${dir}`);
  if (!info.isDirectory()) {
    throw new UserError(`cannot write the ${label} into ${dir}: ${existing} is not a directory`);
  }
  try {
    await access(existing, constants.W_OK);
  } catch {
    throw new UserError(`cannot write the ${label} into ${dir}: ${existing} is not writable`);
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
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UserError(`cannot check ${path}: ${(error as Error).message}`);
  }
}
