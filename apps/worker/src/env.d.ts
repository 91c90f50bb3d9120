// Bindings wrangler.jsonc cannot describe, merged into the Env that `wrangler types` generates from
// it (src/worker-configuration.d.ts; regenerate after editing wrangler.jsonc, see README
// "Development"). The vars there are typed `string`; these are optional: secrets, a var that may
// instead be a secret, and the R2 binding that wrangler.jsonc leaves commented out.
declare namespace Cloudflare {
  interface Env {
    /** The R2 bucket holding artifacts and the pointer (`r2_buckets` in wrangler.jsonc); needed for MODEL_SOURCE=r2. */
    MODELS?: R2Bucket;
    /** Secret (`wrangler secret put ADMIN_TOKEN`): the bearer token of `POST /admin/reload`; unset or blank disables it. */
    ADMIN_TOKEN?: string;
    /**
     * Trusted Ed25519 public keys (a var, or `wrangler secret put MODEL_PUBLIC_KEYS`): PEM blocks, or
     * base64 keys separated by commas, spaces or newlines. Set: every model loaded must be signed by
     * one of them; malformed: no model is served; unset or blank: unsigned models are accepted.
     */
    MODEL_PUBLIC_KEYS?: string;
    /**
     * Secret (`wrangler secret put EVENTS_TOKEN`): the writer token of `POST /v1/events` and
     * `DELETE /v1/users/{user}` (several comma-separated tokens for rotation); unset disables them.
     */
    EVENTS_TOKEN?: string;
  }
}

/**
 * The bindings as the app reads them: every var may be absent (the code has a default for each,
 * and tests pass a subset), so the app takes the generated Env with all its members optional.
 */
type Env = Partial<WranglerEnv>;
