// Values test/global-setup.ts provides to the tests (vitest `provide` / `inject`).
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** sha256 of the artifact the integration tests' worker bundles. */
    testArtifactSha256: string;
    /** `edgerec export vectorize` of the test rating, interaction and ranked-rating artifacts, by sha256. */
    vectorizeExports: Record<string, string>;
  }
}
