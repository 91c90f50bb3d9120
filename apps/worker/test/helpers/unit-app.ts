import { parseArtifact, type LoadedArtifact } from '@edgerec/core';
import type { ArtifactReadOptions } from '../../src/artifact-policy';
import { createApp } from '../../src/app';
import type { LoadModel } from '../../src/model-store';
import { makeTestArtifact, type TestModelOptions } from './test-model';

/**
 * Parses the test artifact (with or without seen lists, in any table encoding), as the worker
 * would, under the isolate's read options when given (trusted keys, decoded-size budget).
 */
export async function loadTestArtifact(
  options: Pick<TestModelOptions, 'seen' | 'tableEncoding'> = {},
  read: ArtifactReadOptions = {},
): Promise<LoadedArtifact> {
  return parseArtifact(await makeTestArtifact(options), { source: 'test artifact', ...read });
}

/** A LoadModel parsing `text` like the bundled loader does: under the isolate's read options. */
export function textLoader(text: string, source = 'bundled test artifact'): LoadModel {
  return (read) => parseArtifact(text, { source, ...read });
}

/** An app built around `load`, counting how often the model is loaded. */
export function unitApp(load: LoadModel = (read) => loadTestArtifact({}, read)) {
  let loads = 0;
  const app = createApp({
    loadModel: (read) => {
      loads++;
      return load(read);
    },
  });
  return {
    app,
    /** How many times the app asked for the model. */
    get loads() {
      return loads;
    },
    /** Sends a request to the app, with optional bindings. */
    request(path: string, init?: RequestInit, env: Env = {}): Promise<Response> {
      return Promise.resolve(app.request(path, init, env));
    },
  };
}
