import { parseArtifact, type LoadedArtifact } from '@edgerec/core';
import { createApp } from '../../src/app';
import type { LoadModel } from '../../src/model-store';
import { makeTestArtifact, type TestModelOptions } from './test-model';

/** Parses the test artifact (with or without seen lists, in any table encoding), as the worker would. */
export async function loadTestArtifact(options: Pick<TestModelOptions, 'seen' | 'tableEncoding'> = {}): Promise<LoadedArtifact> {
  return parseArtifact(await makeTestArtifact(options), { source: 'test artifact' });
}

/** An app built around `load`, counting how often the model is loaded. */
export function unitApp(load: LoadModel = () => loadTestArtifact()) {
  let loads = 0;
  const app = createApp({
    loadModel: () => {
      loads++;
      return load();
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
