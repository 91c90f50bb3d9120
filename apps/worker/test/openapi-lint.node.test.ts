/**
 * Runs Redocly's recommended OpenAPI ruleset (`redocly lint --extends=recommended`) on the document
 * the app serves at /openapi.json and fails on any error or warning. It spawns the CLI, so it runs
 * in Node only and is skipped inside workerd, where `pnpm test` runs every test file today; run it
 * with `npx vitest run -c <a config without the Workers pool> test/openapi-lint.node.test.ts` (README "Development").
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { inNode, packagePath, run, withTempDir, writeText } from './helpers/node';
import { loadTestArtifact } from './helpers/unit-app';

interface LintReport {
  problems: { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer?: string }[] }[];
}

describe.skipIf(!inNode)('OpenAPI document: redocly lint --extends=recommended', () => {
  it('has no errors and no warnings', async () => {
    const app = createApp({ loadModel: (read) => loadTestArtifact({}, read) });
    const document = await (await app.request('https://edgerec.example.workers.dev/openapi.json')).text();
    const result = await withTempDir(async (dir) => {
      await writeText(`${dir}/openapi.json`, document);
      return run(
        packagePath('node_modules/.bin/redocly'),
        ['lint', '--extends=recommended', '--format=json', `${dir}/openapi.json`],
        {
          env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      );
    });
    const report = JSON.parse(result.stdout) as LintReport;
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`,
    );
    expect(problems).toEqual([]);
    expect(result.code).toBe(0);
  }, 60_000);
});
