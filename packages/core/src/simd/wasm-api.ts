// The few parts of the WebAssembly JS API the scorer uses, typed here because core compiles
// against ES2023 alone (no DOM or Workers lib). Present in Node, browsers and workerd.

/** A compiled WebAssembly.Module (opaque here). */
export type WasmModule = object;

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
  compile(bytes: Uint8Array): Promise<WasmModule>;
}

/** The global WebAssembly object. */
export const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
