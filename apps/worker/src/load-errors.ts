import { ArtifactError } from '@edgerec/core';

/** Why a model source could not deliver an artifact (as opposed to an artifact that failed validation). */
export type ModelSourceErrorReason =
  | 'bad-config'
  | 'no-binding'
  | 'pointer-missing'
  | 'pointer-invalid'
  | 'object-missing'
  | 'r2-error';

/**
 * A load failure from a model source. `reason` is a {@link ModelSourceErrorReason}, or the
 * ArtifactError code when the artifact read from R2 was refused (`artifact` is then true; an
 * object over MODEL_MAX_OBJECT_MB is `too-large` without being read). `retryable` failures
 * (everything from R2: the pointer or the object may be fixed without a redeploy) are retried by
 * the model store after a pause; bundled and `bad-config` failures are not.
 */
export class ModelSourceError extends Error {
  override readonly name = 'ModelSourceError';
  constructor(
    readonly reason: ModelSourceErrorReason | ArtifactError['code'],
    message: string,
    readonly retryable: boolean,
    readonly artifact = false,
  ) {
    super(message);
  }
}

/** How a load failure is reported: a rejected artifact (422) or an unavailable source (503). */
export interface LoadFailure {
  kind: 'rejected' | 'unavailable';
  /** The ArtifactError code (`checksum`, `invalid-json`, `schema`, ...) or the source reason. */
  reason: string;
  message: string;
}

/** Classifies a load error: ArtifactErrors are rejections, everything else is unavailability. */
export function describeLoadFailure(error: unknown): LoadFailure {
  if (error instanceof ArtifactError) return { kind: 'rejected', reason: error.code, message: error.message };
  if (error instanceof ModelSourceError) {
    return { kind: error.artifact ? 'rejected' : 'unavailable', reason: error.reason, message: error.message };
  }
  return {
    kind: 'unavailable',
    reason: 'load-failed',
    message: error instanceof Error ? error.message : String(error),
  };
}
