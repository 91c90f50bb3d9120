import type { Command } from 'commander';
import { vi } from 'vitest';

/** What a command printed. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs a commander command in-process with exitOverride, capturing stdout and stderr (its own
 * and commander's); `onStderr` sees the stderr text so far after each write (e.g. to send Ctrl-C).
 */
export async function runCommand(
  command: Command,
  args: string[],
  onStderr?: (text: string) => void,
): Promise<CommandOutput> {
  let stdout = '';
  let stderr = '';
  const err = (chunk: unknown) => {
    stderr += String(chunk);
    onStderr?.(stderr);
    return true;
  };
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(err);
  try {
    await command.exitOverride().configureOutput({ writeErr: err }).parseAsync(args, { from: 'user' });
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
  return { stdout, stderr };
}
