import { MAX_ID_LENGTH } from '@edgerec/core';
import type { Command } from 'commander';

/** Adds `--skip-long-ids` (rows whose id the Worker could not serve are skipped with one warning, instead of an error). */
export function addSkipLongIdsOption(command: Command): Command {
  return command.option(
    '--skip-long-ids',
    `skip rows whose user or item id is longer than ${MAX_ID_LENGTH} characters (the Worker refuses such ids), with one warning, instead of stopping at the first`,
    false,
  );
}
