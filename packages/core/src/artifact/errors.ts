/** Why an artifact was rejected. */
export type ArtifactErrorCode =
  | 'invalid-json'
  | 'wrong-format'
  | 'unsupported-version'
  | 'schema'
  | 'checksum'
  | 'inconsistent'
  /** Its tables would not fit the reader's decoded-size budget. */
  | 'too-large'
  /** The reader requires a signature and the artifact has none. */
  | 'unsigned'
  /** The signature is by an untrusted key, or does not verify. */
  | 'signature';

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
