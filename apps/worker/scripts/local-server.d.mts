/** A running local worker. */
export interface LocalServer {
  url: string;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;

/**
 * Serves `model` with wrangler dev on 127.0.0.1 and resolves once GET /health answers 200.
 * Aborting `signal` while it starts stops the server and rejects with the signal's reason.
 */
export function startLocalServer(options: {
  model: string;
  port?: number;
  quiet?: boolean;
  timeoutMs?: number;
  wranglerArgs?: string[];
  signal?: AbortSignal;
}): Promise<LocalServer>;
