/**
 * The Worker's code, as `wrangler deploy` would upload it, stays under 100 KiB gzipped (the model
 * is a separate module and not counted). It bundles a copy of src/ beside a stub model, so it
 * neither needs nor touches a user's bundled model. Node only, like the other *.node.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  copyTree,
  gzippedSize,
  inNode,
  makeDir,
  packagePath,
  readText,
  run,
  symlink,
  withTempDir,
  writeText,
} from './helpers/node';

const BUDGET_BYTES = 100 * 1024;
const quiet = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: '1' };

describe.skipIf(!inNode)('Worker bundle', () => {
  it(`is under ${BUDGET_BYTES / 1024} KiB of gzipped code, without tfjs or the OpenAPI generator libraries`, async () => {
    const { gzipped, code } = await withTempDir(async (dir) => {
      await copyTree(packagePath('src'), `${dir}/src`);
      await copyTree(packagePath('wrangler.jsonc'), `${dir}/wrangler.jsonc`);
      await makeDir(`${dir}/model`);
      await writeText(`${dir}/model/edgerec.model.json`, '{}');
      await symlink(packagePath('node_modules'), `${dir}/node_modules`);
      const result = await run(
        packagePath('node_modules/.bin/wrangler'),
        ['deploy', '--dry-run', '--outdir', `${dir}/out`, '--config', `${dir}/wrangler.jsonc`],
        { cwd: dir, env: quiet },
      );
      expect(result.code, result.stderr + result.stdout).toBe(0);
      return { gzipped: await gzippedSize(`${dir}/out/index.js`), code: await readText(`${dir}/out/index.js`) };
    });
    console.log(`worker bundle: ${(gzipped / 1024).toFixed(1)} KiB gzipped (budget ${BUDGET_BYTES / 1024} KiB)`);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
    expect(code).toContain('edgerec-model'); // the Worker itself, not an empty bundle
    expect(code).not.toMatch(/@tensorflow|tfjs-core|tfjs-backend/); // the edge imports only core's pure entry
    expect(code).not.toContain('zod-to-openapi');
  }, 120_000);
});
