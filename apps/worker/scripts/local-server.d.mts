/** A running local worker. */
export interface LocalServer {
  url: string;
  /** The serve-model process, leader of the process group that holds wrangler and workerd. */
  pid: number;
  /** Stops wrangler gracefully (SIGINT; SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Kills the whole process tree with SIGKILL, as a crash would, and waits until it is gone. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;

/**
 * Serves `model` with wrangler dev on 127.0.0.1 and resolves once GET /health answers 200.
 * Aborting `signal` while it starts stops the server and rejects with the signal's reason.
 * `vars` are passed as `--var NAME:value`; `persistTo` holds the Durable Object state.
 */
export function startLocalServer(options: {
  model: string;
  port?: number;
  quiet?: boolean;
  timeoutMs?: number;
  wranglerArgs?: string[];
  vars?: Record<string, string>;
  persistTo?: string;
  signal?: AbortSignal;
}): Promise<LocalServer>;
