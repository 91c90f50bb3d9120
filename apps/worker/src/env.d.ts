// Bindings of the edgerec worker (see wrangler.jsonc), in the shape `wrangler types` generates.
interface __BaseEnv_Env {
  /**
   * Overrides the artifact's recommend threshold, in rating units. Empty or absent means "use the
   * artifact's value"; a value that is not a number inside the model's rating scale is ignored
   * with a console warning.
   */
  RECOMMEND_THRESHOLD?: string;
}
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index');
  }
  interface Env extends __BaseEnv_Env {}
}
interface Env extends __BaseEnv_Env {}
