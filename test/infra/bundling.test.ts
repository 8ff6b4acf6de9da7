import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlarmSink } from '../../infra/constructs/alarms.js';
import { BaocaoFunction } from '../../infra/constructs/baocao-function.js';
import { CDK_JSON_CONTEXT, FIXTURE_HANDLER } from './support.js';

const noAlarms: AlarmSink = { watchQueue: (_q: IQueue) => {}, watchFunction: (_f: IFunction) => {} };

/**
 * The one test that bundles for real (no `aws:cdk:bundling-stacks: []`): the local esbuild runs
 * with the function construct's options on a fixture that imports an SDK client and zod.
 */
describe('function bundling (esbuild, for real)', () => {
  let assetDir: string;
  beforeAll(() => {
    const outdir = mkdtempSync(join(tmpdir(), 'baocao-bundle-'));
    const app = new App({ outdir, context: CDK_JSON_CONTEXT });
    const stack = new Stack(app, 'Bundled');
    new BaocaoFunction(stack, 'Fixture', {
      name: 'unit',
      description: 'bundling fixture',
      logRetention: 7,
      alarms: noAlarms,
      entry: FIXTURE_HANDLER,
    });
    const template = Template.fromStack(stack);
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Code: { S3Key: string }; Handler: string };
    };
    expect(fn.Properties.Handler).toBe('index.handler');
    const hash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
    assetDir = join(outdir, `asset.${hash}`);
  }, 120_000);

  it('emits a minified ESM bundle with an external source map', () => {
    const bundle = join(assetDir, 'index.mjs');
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toMatch(/^import\s*\{\s*createRequire as __baocaoCreateRequire\s*\}/);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    // Minified: far fewer lines than characters.
    expect(code.split('\n').length).toBeLessThan(code.length / 500);
  });

  it('bundles the AWS SDK instead of importing it from the runtime', () => {
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).not.toMatch(/\bimport\(["']@aws-sdk\//);
    // (one SDK error message quotes `[require("@aws-sdk/signature-v4-crt");]` as advice)
    expect(code).not.toMatch(/(?<!\[)\brequire\(["']@aws-sdk\//);
    expect(statSync(join(assetDir, 'index.mjs')).size).toBeGreaterThan(50_000);
  });

  it('runs: the bundle loads as ESM and its handler answers', async () => {
    const mod = (await import(pathToFileURL(join(assetDir, 'index.mjs')).href)) as {
      handler: (e: unknown) => Promise<{ ok: boolean; ping: string | null }>;
    };
    await expect(mod.handler({ ping: 'xin chào' })).resolves.toMatchObject({ ok: true, ping: 'xin chào' });
  });
});
