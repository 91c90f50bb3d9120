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
      // A variable specifier keeps the optional package out of type resolution and bundling.
      const specifier = '@tensorflow/tfjs-node';
      const tf = (await import(specifier)) as Tf;
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
  const tf = await import('@tensorflow/tfjs');
  registerSegmentSumKernels(tf);
  if (choice === 'auto' || choice === 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
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

/** A short reason why tfjs-node did not load (its errors embed long paths). */
function nativeFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  const message = firstLine(error);
  if (/native addon module|tfjs_binding\.node/i.test(message)) return 'installed without its native binding';
  return message.length > 120 ? `${message.slice(0, 117)}...` : message;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).trim();
}
