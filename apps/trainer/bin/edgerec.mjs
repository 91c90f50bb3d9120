#!/usr/bin/env node
// The `edgerec` command (package.json "bin"). A committed shim, so that pnpm can link the command
// at install time, before `pnpm build` has written dist/: it runs the compiled CLI, and says how
// to build it when it is missing.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    `edgerec: ${fileURLToPath(cli)} is not built yet; run \`pnpm build\` at the repository root (or use \`pnpm -s edgerec …\`, which builds first)\n`,
  );
  process.exit(1);
}
await import(cli.href);
