import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations, type Environment } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/create-app.js';
import { MANAGED_RULE_GROUPS, RATE_LIMIT_PER_IP } from '../../infra/stacks/edge-stack.js';
import { STACK_NAMES } from '../../shared/definitions/stack-outputs.js';
import { CDK_JSON_CONTEXT, FIXTURE_HANDLER, type Resources } from './support.js';

interface Violation {
  ruleName: string;
  severity: string;
  violatingConstructs?: { constructPath: string }[];
}
interface Report {
  pluginReports: { pluginName: string; violations: Violation[] }[];
}

/** The app exactly as `npm run synth` builds it (cdk-nag packs and CloudFormation validation on), without bundling. */
function nagApp(env: Environment = {}, context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'baocao-nag-'));
  const built = createApp({
    env,
    entryOf: () => FIXTURE_HANDLER,
    appProps: { outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } },
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
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
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
  /^AwsSolutions-SMG4$/, // the CloudFront origin-verify secret: rotated by a redeploy of both ends
  /^AwsSolutions-CFR[124]$/, // CloudFront: no geo restriction, no WAF when synthesized without a region, default certificate until a custom domain
  // CDK's BucketDeployment handler (the site's files): its managed policy, grants, pinned runtime.
  /^AwsSolutions-IAM4\[Policy::.+\/AWSLambdaBasicExecutionRole\]$/,
  /^AwsSolutions-IAM5\[Action::s3:(GetBucket|GetObject|List|Abort|DeleteObject)\*\]$/,
  /^AwsSolutions-IAM5\[Resource::(arn:(<AWS::Partition>|[a-z-]+):s3:::cdk-hnb659fds-assets-.+|<SiteBucket[A-Z0-9]+\.Arn>)\/\*\]$/,
  /^AwsSolutions-L1$/,
  /^Serverless-LambdaLatestVersion$/,
];

/**
 * An app built without an environment (as tests build it); the CDK CLI without credentials (no
 * account, its default region us-east-1); a deployer's CLI with a concrete account and region
 * (CDK_DEFAULT_ACCOUNT/REGION). Acknowledgements must match the findings in every case, so the
 * whole pack runs for each.
 */
const ENVIRONMENTS: { name: string; env: Environment; context?: Record<string, unknown> }[] = [
  { name: 'no environment', env: {} },
  { name: 'no account, us-east-1 (the CDK CLI without credentials)', env: { region: 'us-east-1' } },
  { name: '123456789012/ap-southeast-1', env: { account: '123456789012', region: 'ap-southeast-1' } },
  { name: '123456789012/eu-west-1', env: { account: '123456789012', region: 'eu-west-1' } },
  // A custom domain: certificates, the API's domain name, no execute-api endpoint; with and without a hosted zone.
  {
    name: '123456789012/ap-southeast-1 with a domain and its hosted zone',
    env: { account: '123456789012', region: 'ap-southeast-1' },
    context: { domain: { name: 'baocao.snv.kontum.gov.vn', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'snv.kontum.gov.vn' } },
  },
  {
    name: 'no account, us-east-1 with a domain and no hosted zone',
    env: { region: 'us-east-1' },
    context: { domain: '{"name":"baocao.snv.kontum.gov.vn"}' },
  },
];

describe.each(ENVIRONMENTS)('cdk-nag (AwsSolutions and Serverless packs, as in npm run synth), $name', ({ env, context }) => {
  let clean: ReturnType<typeof nagApp>;
  let error: unknown;
  beforeAll(() => {
    clean = nagApp(env, context);
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
      .flatMap((p) =>
        p.violations.map(
          (v) => `${p.pluginName} ${v.severity} ${v.ruleName} at ${v.violatingConstructs?.map((c) => c.constructPath).join(', ')}`,
        ),
      );
    expect(nagViolations).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('acknowledges only the expected rules, each with a specific reason', () => {
    const acks = acknowledgements(clean.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(
        ALLOWED.some((re) => re.test(a.id)),
        `${a.id} at ${a.path}`,
      ).toBe(true);
      expect(a.reason.length, `${a.id} at ${a.path} has a real reason`).toBeGreaterThan(40);
    }
    // The prefix acknowledgements are computed from the rendered template: one per prefix grant.
    expect(
      acks.filter((a) => a.id.startsWith('AwsSolutions-IAM5[Resource::') && a.id !== 'AwsSolutions-IAM5[Resource::*]').length,
    ).toBeGreaterThanOrEqual(4);
  });

  it('puts the CloudFront web ACL in a us-east-1 stack given a region; without one, warns and synthesizes no edge stack', () => {
    const assembly = clean.app.synth();
    const service = assembly.getStackByName(STACK_NAMES.service);
    const resources = Object.values((service.template as { Resources: Resources }).Resources);
    const distribution = resources.find((r) => r.Type === 'AWS::CloudFront::Distribution');
    const webAclId = (distribution?.Properties?.['DistributionConfig'] as { WebACLId?: unknown }).WebACLId;
    const warnings = service.messages.filter((m) => m.level === ('warning' as typeof m.level)).map((m) => String(m.entry.data));

    if (env.region) {
      const edge = assembly.getStackByName(STACK_NAMES.edge);
      const acls = Object.values((edge.template as { Resources: Resources }).Resources).filter((r) => r.Type === 'AWS::WAFv2::WebACL');
      expect(edge.environment).toMatchObject({ account: env.account ?? 'unknown-account', region: 'us-east-1' });
      expect(acls).toHaveLength(1);
      expect(acls[0]!.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
      const rules = acls[0]!.Properties!['Rules'] as {
        Name: string;
        Statement: Record<string, { Limit?: number; AggregateKeyType?: string }>;
      }[];
      expect(rules.map((r) => r.Name)).toEqual([...MANAGED_RULE_GROUPS, 'RatePerIp']);
      expect(rules.at(-1)!.Statement['RateBasedStatement']).toMatchObject({ AggregateKeyType: 'IP', Limit: RATE_LIMIT_PER_IP });
      // The ARN crosses regions as a stack-output reference (cdk.json: weak cross-stack references); the edge deploys first.
      expect(webAclId).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ StackName: STACK_NAMES.edge, Region: 'us-east-1' }) });
      expect(service.dependencies.map((d) => d.id)).toContain(STACK_NAMES.edge);
      expect(warnings.filter((w) => w.includes(STACK_NAMES.edge))).toEqual([]);
      expect(acknowledgements(clean.app).map((a) => a.id)).not.toContain('AwsSolutions-CFR2');
      // With a domain the distribution has its own certificate and TLS policy: CFR4 holds without acknowledgement.
      expect(acknowledgements(clean.app).some((a) => a.id === 'AwsSolutions-CFR4')).toBe(!context?.['domain']);
    } else {
      expect(clean.edge).toBeUndefined();
      expect(assembly.stacks.map((st) => st.stackName)).not.toContain(STACK_NAMES.edge);
      expect(webAclId).toBeUndefined();
      expect(warnings.some((w) => w.includes(`No region given: ${STACK_NAMES.edge}`))).toBe(true);
      expect(acknowledgements(clean.app).map((a) => a.id)).toContain('AwsSolutions-CFR2');
    }
  });

  it('fails synth when something breaks a rule', () => {
    const { app, service, outdir } = nagApp(env, context);
    // An unencrypted queue without TLS enforcement and without a DLQ.
    new Queue(service, 'CarelessQueue', { enforceSSL: false });
    expect(() => app.synth()).toThrow(/CarelessQueue[\s\S]*AwsSolutions-SQS4/);
    const rules = (report(outdir)?.pluginReports ?? []).flatMap((p) => p.violations.map((v) => v.ruleName));
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});
