/** Creates `runDir` with a copy of the artifact, an entry point and a wrangler config; returns the config path. */
export function writeRunConfig(runDir: string, modelPath: string): Promise<string>;

/** The run folder serve-model.mjs (process `pid`) uses: apps/worker/.serve/<pid>-<time>. */
export function serveRunDir(pid: number): string;

/** Removes the run folders of serve-model process `pid` (left behind when it is killed). */
export function removeServeRunDirs(pid: number): Promise<void>;
