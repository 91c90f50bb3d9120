// The Worker on `wrangler dev --log-level warn` for the sections that go through workerd; every
// server is stopped on Ctrl-C too.
import { onInterrupt } from '@edgerec/bench-kit/process';
import { startLocalServer } from '../scripts/local-server.mjs';

/** A running `wrangler dev` serving one artifact. */
export interface BenchServer {
  url: string;
  stop(): Promise<void>;
}

/** Serves `model` (an artifact path) on 127.0.0.1 and resolves once /health answers. */
export async function startServer(model: string, timeoutMs = 180_000): Promise<BenchServer> {
  const server = await startLocalServer({ model, quiet: true, timeoutMs, wranglerArgs: ['--log-level', 'warn'] });
  const forget = onInterrupt(server.stop);
  return {
    url: server.url,
    stop: async () => {
      forget();
      await server.stop();
    },
  };
}
