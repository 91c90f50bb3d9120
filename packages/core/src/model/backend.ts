import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerSegmentSumKernels } from './kernels/unsorted-segment-sum.js';
import type { Tf } from './tf.js';

/** Backends the trainer can run on; 'auto' picks tensorflow (tfjs-node), then wasm, then cpu. */
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
/** One of {@link BACKENDS}. */
export type BackendChoice = (typeof BACKENDS)[number];

/** The TensorFlow.js namespace with a ready backend. */
export interface ReadyBackend {
  tf: Tf;
  /** The backend that runs: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** Why a preferred backend was skipped, if one was (one line each). */
  notices: string[];
}

/**
 * Loads TensorFlow.js and activates a backend. tfjs-node is optional: any failure to load it
 * (absent, or installed without its native binding) falls back to wasm, then cpu. `native: false`
 * makes 'auto' start at wasm (the fused kernel runs on wasm and cpu, not on tfjs-node).
 */
export async function loadBackend(
  choice: BackendChoice = 'auto',
  options: { /** With 'auto': try tfjs-node first (default true). */ native?: boolean } = {},
): Promise<ReadyBackend> {
  const notices: string[] = [];
  if ((choice === 'auto' && options.native !== false) || choice === 'tensorflow') {
    try {
      const tf = await importNative();
      await tf.setBackend('tensorflow');
      await tf.ready();
      return { tf, name: 'tensorflow', notices };
    } catch (error) {
      const reason = nativeFailure(error);
      if (choice === 'tensorflow') {
        throw new Error(`the tensorflow backend (@tensorflow/tfjs-node) is not usable here: ${reason}`);
      }
      notices.push(`@tensorflow/tfjs-node unavailable (${reason}); using @tensorflow/tfjs with the wasm backend`);
    }
  }
  const tf = await importPeer(() => import('@tensorflow/tfjs'), '@tensorflow/tfjs');
  registerSegmentSumKernels(tf);
  if (choice === 'auto' || choice === 'wasm') {
    try {
      await importPeer(() => import('@tensorflow/tfjs-backend-wasm'), '@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { tf, name: 'wasm', notices };
      }
      throw new Error('setBackend returned false');
    } catch (error) {
      if (choice === 'wasm') throw new Error(`the wasm backend could not start: ${firstLine(error)}`);
      notices.push(`wasm backend unavailable (${firstLine(error)}); using cpu`);
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  // The cpu backend's own "install tfjs-node" banner would repeat our notice; we print ours.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return { tf, name: 'cpu', notices };
}

/** The peers the trainer installs beside @edgerec/core to use this entry. */
const TFJS_PEERS = '@tensorflow/tfjs and @tensorflow/tfjs-backend-wasm';
/**
 * tfjs-node: looked up at run time and listed only in peerDependenciesMeta (pnpm installs a
 * workspace package's peerDependencies as its dependencies; tfjs-node's install script downloads
 * libtensorflow, which fails offline).
 */
const NATIVE = '@tensorflow/tfjs-node';

/**
 * Imports one of this entry's optional peers (`load` imports `name`). When it is not installed,
 * the error names the packages to add instead of a module path.
 */
export async function importPeer<T>(load: () => Promise<T>, name: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, name)) throw error;
    throw new Error(
      `@edgerec/core/model needs ${name}, which is not installed: add ${TFJS_PEERS} (optional peer dependencies of @edgerec/core) to the package that trains`,
      { cause: error },
    );
  }
}

/**
 * Imports tfjs-node as seen from core or, failing that, from the running program or the working
 * directory: an app that depends on it (the trainer) finds it even where core is a workspace link.
 */
async function importNative(): Promise<Tf> {
  try {
    // A variable specifier keeps the optional package out of type resolution and bundling.
    return (await import(NATIVE)) as Tf;
  } catch (error) {
    if (!isMissing(error, NATIVE)) throw error;
    const path = resolveFromProgram(NATIVE);
    if (path === undefined) throw error;
    return (await import(pathToFileURL(path).href)) as Tf;
  }
}

function resolveFromProgram(specifier: string): string | undefined {
  for (const base of [process.argv[1], join(process.cwd(), 'package.json')]) {
    if (!base) continue;
    try {
      return createRequire(base).resolve(specifier);
    } catch {
      // not visible from there either
    }
  }
  return undefined;
}

/** Whether `error` says that `name` itself (not one of its own dependencies) is not installed. */
function isMissing(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return firstLine(error).includes(`'${name}'`);
}

/** A short reason why tfjs-node did not load (its errors embed long paths). */
function nativeFailure(error: unknown): string {
  if (isMissing(error, NATIVE)) return 'not installed';
  const message = firstLine(error);
  if (/native addon module|tfjs_binding\.node/i.test(message)) return 'installed without its native binding';
  return message.length > 120 ? `${message.slice(0, 117)}...` : message;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).trim();
}
