// Values test/global-setup.ts provides to the tests (vitest `provide` / `inject`).
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** sha256 of the artifact the integration tests' worker bundles. */
    testArtifactSha256: string;
  }
}
