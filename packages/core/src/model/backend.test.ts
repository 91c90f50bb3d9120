import { describe, expect, it } from 'vitest';
import { importPeer, loadBackend } from './backend.js';

async function nativeLoads(): Promise<boolean> {
  try {
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

describe('loadBackend', () => {
  it('auto prefers tfjs-node and otherwise falls back to wasm with a one-line notice', async () => {
    const backend = await loadBackend('auto');
    if (await nativeLoads()) {
      expect(backend.name).toBe('tensorflow');
    } else {
      expect(backend.name).toBe('wasm');
      expect(backend.notices).toHaveLength(1);
      expect(backend.notices[0]).toMatch(
        /^@tensorflow\/tfjs-node unavailable \(.+\); using @tensorflow\/tfjs with the wasm backend$/,
      );
      expect(backend.notices[0]).not.toContain('\n');
    }
    expect(backend.tf.getBackend()).toBe(backend.name);
  });

  it('honours an explicit cpu or wasm choice', async () => {
    expect((await loadBackend('cpu')).tf.getBackend()).toBe('cpu');
    expect((await loadBackend('wasm')).tf.getBackend()).toBe('wasm');
  });

  it('explains why an explicit tensorflow choice cannot run', async () => {
    if (await nativeLoads()) return;
    await expect(loadBackend('tensorflow')).rejects.toThrow(
      /tensorflow backend \(@tensorflow\/tfjs-node\) is not usable here: /,
    );
  });

  it('names the peers to install when TensorFlow.js is absent', async () => {
    const name = '@tensorflow/tfjs-absent';
    await expect(importPeer(() => import(name), name)).rejects.toThrow(
      /^@edgerec\/core\/model needs @tensorflow\/tfjs-absent, which is not installed: add @tensorflow\/tfjs and @tensorflow\/tfjs-backend-wasm /,
    );
  });
});
