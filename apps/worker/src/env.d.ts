// Bindings of the edgerec worker (see wrangler.jsonc), in the shape `wrangler types` generates.
interface __BaseEnv_Env {
  /**
   * Overrides the artifact's recommend threshold, in rating units. Empty or absent means "use the
   * artifact's value"; a value that is not a number inside the model's rating scale is ignored
   * with a console warning.
   */
  RECOMMEND_THRESHOLD?: string;
  /**
   * Where the served model comes from: "bundled" (default; the artifact bundled at build time) or
   * "r2" (an artifact object in the R2 bucket bound as MODELS). Anything else answers 503.
   */
  MODEL_SOURCE?: string;
  /**
   * With MODEL_SOURCE=r2: the artifact's object key, e.g. "models/ml100k-v3.json". Empty or absent
   * means "read the key from the pointer object MODEL_POINTER_KEY".
   */
  MODEL_KEY?: string;
  /**
   * With MODEL_SOURCE=r2 and no MODEL_KEY: key of the pointer object, a small JSON document
   * `{ "key": "models/ml100k-v3.json" }` naming the artifact to serve. Default "current.json".
   */
  MODEL_POINTER_KEY?: string;
  /** The R2 bucket holding artifacts and the pointer (`r2_buckets` in wrangler.jsonc); needed for MODEL_SOURCE=r2. */
  MODELS?: R2Bucket;
  /**
   * Secret (`wrangler secret put ADMIN_TOKEN`): the bearer token of `POST /admin/reload`. Unset or
   * empty disables the admin endpoints.
   */
  ADMIN_TOKEN?: string;
  /**
   * Origins allowed to call the API from a browser (CORS): comma-separated, e.g.
   * "https://app.example,https://admin.example", or "*" for any. Empty or absent: no CORS headers.
   */
  CORS_ORIGINS?: string;
  /**
   * Trusted Ed25519 public keys (a var, or `wrangler secret put MODEL_PUBLIC_KEYS`): PEM blocks, or
   * base64 keys separated by commas, spaces or newlines. Set: every model loaded (bundled or R2)
   * must be signed by one of them; malformed: no model is served. Unset or blank: unsigned models
   * are accepted.
   */
  MODEL_PUBLIC_KEYS?: string;
  /** Most MiB an artifact's decoded tables may take (default 96, core's DEFAULT_MAX_DECODED_BYTES). Malformed: no model is served. */
  MODEL_MAX_DECODED_MB?: string;
  /** Largest R2 artifact object read, in MiB, checked before the download (default 32). Malformed: no model is served. */
  MODEL_MAX_OBJECT_MB?: string;
}
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index');
  }
  interface Env extends __BaseEnv_Env {}
}
interface Env extends __BaseEnv_Env {}
