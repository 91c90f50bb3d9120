/** Creates `runDir` with a copy of the artifact, an entry point and a wrangler config; returns the config path. */
export function writeRunConfig(runDir: string, modelPath: string): Promise<string>;
