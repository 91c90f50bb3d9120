/** Why an artifact was rejected. */
export type ArtifactErrorCode =
  | 'invalid-json'
  | 'wrong-format'
  | 'unsupported-version'
  | 'schema'
  | 'checksum'
  | 'inconsistent';

/** A rejected artifact: `code` says which check failed, the message says where. */
export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';

  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
  ) {
    super(message);
  }
}
