// Model artifacts are bundled as Text modules (the `rules` entry in wrangler.jsonc): importing one
// yields its JSON text, which parseArtifact validates at run time.
declare module '*.model.json' {
  const text: string;
  export default text;
}
