// Model artifacts are bundled as Text modules (the `rules` entry in wrangler.jsonc): importing one
// yields its JSON text, which parseArtifact validates at run time.
declare module '*.model.json' {
  const text: string;
  export default text;
}

// WebAssembly files are bundled as CompiledWasm modules (wrangler.jsonc `rules`): importing one
// yields a compiled WebAssembly.Module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
