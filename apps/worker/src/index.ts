import { createApp } from './app';
import { loadBundledModel } from './bundled-model';
import './wasm-scoring';

/** The edgerec worker: the app serving the artifact bundled at build time (parsed once per isolate). */
const app = createApp({ loadModel: loadBundledModel });

export default app;

/** The Durable Object class of the event shards (the `EVENTS` binding in wrangler.jsonc). */
export { EventShard } from './events/shard';
