import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations, type Environment } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/create-app.js';
import { CDK_JSON_CONTEXT, FIXTURE_HANDLER } from './support.js';

interface Violation {
  ruleName: string;
  severity: string;
  violatingConstructs?: { constructPath: string }[];
}
interface Report {
  pluginReports: { pluginName: string; violations: Violation[] }[];
}

/** The app exactly as `npm run synth` builds it (cdk-nag packs and CloudFormation validation on), without bundling. */
function nagApp(env: Environment = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'baocao-nag-'));
  const built = createApp({
    env,
    entryOf: () => FIXTURE_HANDLER,
    appProps: { outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } },
  });
  return { ...built, outdir };
}

function report(outdir: string): Report | undefined {
  const file = join(outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : undefined;
}

/** Acknowledged rule ids in the tree, with their reasons. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason }))),
  );
}

/** The acknowledgements this app is allowed to make (each is explained where it is made). */
const ALLOWED = [
  /^AwsSolutions-IAM5\[Resource::\*\]$/, // X-Ray: no resource-level permissions
  /^AwsSolutions-IAM5\[Resource::.+\/(incoming|signed|summaries)\/\*\]$/, // object keys under one prefix
  /^AwsSolutions-IAM5\[Resource::<[A-Za-z0-9]+\.Arn>:\*\]$/, // a schedule's role: its function and versions
  /^Serverless-LambdaDLQ$/, // synchronous (API, CloudFormation) or on-failure destination instead
  /^Serverless-LambdaTracing$/, // the CDK custom-resource provider of the regime seed
  /^AwsSolutions-SQS3$/, // the queue is itself a DLQ
  /^Serverless-SQSRedrivePolicy$/, // the queue is itself a DLQ
  /^AwsSolutions-S1$/, // the access-log bucket
  /^AwsSolutions-APIG4$/, // token-checking routes
  /^AwsSolutions-CFR[124]$/, // CloudFront: no geo restriction, no WAF, default certificate until a custom domain
  // CDK's BucketDeployment handler (the site's files): its managed policy, grants, pinned runtime.
  /^AwsSolutions-IAM4\[Policy::.+\/AWSLambdaBasicExecutionRole\]$/,
  /^AwsSolutions-IAM5\[Action::s3:(GetBucket|GetObject|List|Abort|DeleteObject)\*\]$/,
  /^AwsSolutions-IAM5\[Resource::(arn:(<AWS::Partition>|[a-z-]+):s3:::cdk-hnb659fds-assets-.+|<SiteBucket[A-Z0-9]+\.Arn>)\/\*\]$/,
  /^AwsSolutions-L1$/,
  /^Serverless-LambdaLatestVersion$/,
];

/**
 * Without credentials the CLI gives the app no environment; a deployer's CLI passes a concrete
 * account and region (CDK_DEFAULT_ACCOUNT/REGION). Acknowledgements must match the findings in
 * every case, so the whole pack runs for each.
 */
const ENVIRONMENTS: { name: string; env: Environment }[] = [
  { name: 'no environment', env: {} },
  { name: '123456789012/ap-southeast-1', env: { account: '123456789012', region: 'ap-southeast-1' } },
  { name: '123456789012/eu-west-1', env: { account: '123456789012', region: 'eu-west-1' } },
];

describe.each(ENVIRONMENTS)('cdk-nag (AwsSolutions and Serverless packs, as in npm run synth), $name', ({ env }) => {
  let clean: ReturnType<typeof nagApp>;
  let error: unknown;
  beforeAll(() => {
    clean = nagApp(env);
    try {
      clean.app.synth();
    } catch (e) {
      error = e;
    }
  });

  it('synthesizes with zero unacknowledged findings', () => {
    const { outdir } = clean;
    const nagViolations = (report(outdir)?.pluginReports ?? [])
      .filter((p) => p.pluginName !== 'Construct Annotations')
      .flatMap((p) => p.violations.map((v) => `${p.pluginName} ${v.severity} ${v.ruleName} at ${v.violatingConstructs?.map((c) => c.constructPath).join(', ')}`));
    expect(nagViolations).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('acknowledges only the expected rules, each with a specific reason', () => {
    const acks = acknowledgements(clean.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(ALLOWED.some((re) => re.test(a.id)), `${a.id} at ${a.path}`).toBe(true);
      expect(a.reason.length, `${a.id} at ${a.path} has a real reason`).toBeGreaterThan(40);
    }
    // The prefix acknowledgements are computed from the rendered template: one per prefix grant.
    expect(acks.filter((a) => a.id.startsWith('AwsSolutions-IAM5[Resource::') && a.id !== 'AwsSolutions-IAM5[Resource::*]').length).toBeGreaterThanOrEqual(4);
  });

  it('fails synth when something breaks a rule', () => {
    const { app, service, outdir } = nagApp(env);
    // An unencrypted queue without TLS enforcement and without a DLQ.
    new Queue(service, 'CarelessQueue', { enforceSSL: false });
    expect(() => app.synth()).toThrow(/CarelessQueue[\s\S]*AwsSolutions-SQS4/);
    const rules = (report(outdir)?.pluginReports ?? []).flatMap((p) => p.violations.map((v) => v.ruleName));
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});
