import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, type BaocaoApp, type CreateAppOptions } from '../../infra/create-app.js';
import { REPO_ROOT } from '../../infra/paths.js';

/** The context `cdk synth` sees (cdk.json: feature flags), so tests build the same app. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;

/** Stand-in entry for every function: the templates do not depend on the handler's code. */
export const FIXTURE_HANDLER = join(REPO_ROOT, 'test', 'infra', 'fixtures', 'handler.ts');

export interface TestApp extends BaocaoApp {
  readonly statefulTemplate: Template;
  readonly serviceTemplate: Template;
}

/**
 * The app as `npm run synth` builds it, with bundling skipped (`aws:cdk:bundling-stacks: []`,
 * ~0.2 s instead of ~2 s per stack), every function pointed at the fixture entry, and without
 * the built-in CloudFormation schema validation (~3.5 s to load; nag.test.ts keeps it on).
 */
export function buildTestApp(context: Record<string, unknown> = {}, options: Omit<CreateAppOptions, 'appProps'> = {}): TestApp {
  const built = createApp({
    nag: false,
    entryOf: () => FIXTURE_HANDLER,
    ...options,
    appProps: { builtinCloudFormationValidation: false, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } },
  });
  return {
    ...built,
    statefulTemplate: Template.fromStack(built.stateful),
    serviceTemplate: Template.fromStack(built.service),
  };
}

/** A CloudFormation value as it appears in `stack`'s template (cross-stack references included). */
export const rendered = (stack: Stack, value: unknown): unknown => stack.resolve(value);

/** `{ "Fn::GetAtt": [logicalId, "Arn"] }` of a construct's CloudFormation resource. */
export const arnOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): unknown => ({
  'Fn::GetAtt': [stack.getLogicalId(construct.node.defaultChild as never), 'Arn'],
});

export type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }
>;
