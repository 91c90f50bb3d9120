import { unzipSync } from 'fflate';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { UserError } from '../user-error.js';
import { diskError } from './cache.js';

/** Caps on what an archive may unpack to (zip bombs, runaway memory). */
export interface ExtractLimits {
  /** Largest single file, uncompressed. */
  maxFileBytes: number;
  /** Largest total, uncompressed. */
  maxTotalBytes: number;
  maxEntries: number;
}

/** Generous for MovieLens (ml-1m unpacks to about 25 MB) and far below what would hurt. */
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxFileBytes: 256 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntries: 10_000,
};

/** What extractZip wrote. */
export interface Extracted {
  /** Relative paths of the files written, `/`-separated, in archive order. */
  files: string[];
  bytes: number;
}

/**
 * The path segments an archive entry would be written to, or null for entries that name no file
 * (`./`). Absolute paths, drive letters, `..` segments and NUL bytes are a UserError (zip-slip).
 */
export function safeEntrySegments(name: string, source = 'the archive'): string[] | null {
  const unsafe = (why: string) =>
    new UserError(`refusing to unpack ${source}: entry "${name}" ${why}; the archive is damaged or malicious`);
  if (name.includes('\0')) throw unsafe('contains a NUL byte');
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[a-zA-Z]:/.test(normalized)) throw unsafe('is an absolute path');
  const segments = normalized.split('/');
  if (segments.includes('..')) throw unsafe('climbs out of the target folder with ".."');
  const kept = segments.filter((s) => s !== '' && s !== '.');
  return kept.length === 0 ? null : kept;
}

/**
 * Unpacks a zip held in memory into `destDir` (which should be a fresh, empty folder). Every entry
 * is checked before anything is written: unsafe names, duplicate names, files over the size limits
 * and too many entries are refused, as are archives fflate cannot read ("corrupt"). Directory
 * entries are implied by the files. On failure, files already written stay in `destDir` for the
 * caller to remove with the folder.
 */
export async function extractZip(
  zip: Uint8Array,
  destDir: string,
  options: { limits?: ExtractLimits; source?: string } = {},
): Promise<Extracted> {
  const limits = options.limits ?? DEFAULT_EXTRACT_LIMITS;
  const source = options.source ?? 'the archive';
  const root = resolve(destDir);
  const declared = new Map<string, number>();
  const targets = new Map<string, string[]>();
  let entries = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter(file) {
        entries += 1;
        if (entries > limits.maxEntries)
          throw new UserError(`refusing to unpack ${source}: more than ${limits.maxEntries} entries`);
        const segments = safeEntrySegments(file.name, source);
        if (segments === null || file.name.endsWith('/') || file.name.endsWith('\\')) return false;
        const key = segments.join('/');
        if (targets.has(key)) throw new UserError(`refusing to unpack ${source}: entry "${file.name}" appears twice`);
        if (file.originalSize > limits.maxFileBytes) {
          throw new UserError(
            `refusing to unpack ${source}: "${file.name}" would unpack to ${file.originalSize} bytes, over the ${limits.maxFileBytes}-byte limit`,
          );
        }
        total += file.originalSize;
        if (total > limits.maxTotalBytes) {
          throw new UserError(
            `refusing to unpack ${source}: it would unpack to more than ${limits.maxTotalBytes} bytes`,
          );
        }
        targets.set(key, segments);
        declared.set(file.name, file.originalSize);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `${source} is not a valid zip (corrupt or truncated download?): ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  const written: string[] = [];
  let bytes = 0;
  for (const [name, data] of Object.entries(files)) {
    if (data.length !== declared.get(name)) {
      throw new UserError(
        `${source} is corrupt: "${name}" unpacked to ${data.length} bytes, its header says ${declared.get(name)}`,
      );
    }
    const segments = safeEntrySegments(name, source)!;
    const target = join(root, ...segments);
    if (!target.startsWith(root + sep))
      throw new UserError(`refusing to unpack ${source}: entry "${name}" resolves outside the target folder`);
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data, { flag: 'wx' });
    } catch (error) {
      throw diskError(error, 'write', target);
    }
    written.push(segments.join('/'));
    bytes += data.length;
  }
  return { files: written, bytes };
}
