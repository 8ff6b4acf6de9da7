import { Annotations, CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AaaaRecord, ARecord, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties, CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { EVENT_ROUTES, FUNCTION_NAMES, type EventRoute, type FunctionName } from '../../shared/definitions/events.js';
import { schedules, type ScheduleDef } from '../../shared/definitions/schedules.js';
import { SERVICE_OUTPUTS } from '../../shared/definitions/stack-outputs.js';
import type { BaocaoConfig, DomainConfig } from '../config.js';
import { dnsValidation, hostedZone } from '../constructs/custom-domain.js';
import { OpsAlarms } from '../constructs/alarms.js';
import { Compliance } from '../constructs/compliance.js';
import type { RoutedEvent } from '../constructs/event-routes.js';
import { Ingest } from '../constructs/ingest.js';
import { Schedules } from '../constructs/schedules.js';
import { Site } from '../constructs/site.js';
import { StaffSignIn } from '../constructs/staff-identity.js';
import { UploadApi } from '../constructs/upload-api.js';
import { FunctionCatalog } from '../functions.js';
import type { StatefulResources } from './stateful-stack.js';

export interface ServiceStackProps extends StackProps {
  readonly config: BaocaoConfig;
  readonly stateful: StatefulResources;
  /** Schedules to create; defaults to shared/definitions `schedules(config.regime)`. */
  readonly schedules?: readonly ScheduleDef[];
  /** Entry file per function; defaults to functions/<name>/handler.ts (tests may use fixtures). */
  readonly entryOf?: (name: FunctionName) => string;
  /** ARN of the CloudFront-scoped WAF web ACL (edge stack, us-east-1) for the distribution. */
  readonly webAclArn?: string;
  /** With config.domain: the site name's certificate (edge stack, us-east-1) for the distribution. */
  readonly siteCertificateArn?: string;
}

/**
 * Compute: the functions, the HTTP API, the site (CloudFront, the pages' bucket), the rules and
 * schedules that invoke them, their DLQs and the alarms. Holds no data, so it can be destroyed and redeployed at will.
 */
export class ServiceStack extends Stack {
  readonly alarms: OpsAlarms;
  readonly catalog: FunctionCatalog;
  readonly upload: UploadApi;
  readonly staffSignIn: StaffSignIn;
  readonly site: Site;
  readonly ingest: Ingest;
  readonly compliance: Compliance;
  readonly schedules: Schedules;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;

    this.alarms = new OpsAlarms(this, 'Alarms', { email: config.alarmEmail });
    this.alarms.watchMailReputation();

    // Email links point at the form: the custom origin when configured, else the CloudFront
    // domain, which exists only once the site below is built.
    const appUrl = config.appOrigin ?? Lazy.string({ produce: () => this.site.url });
    this.catalog = new FunctionCatalog(
      { config, table: stateful.table, bucket: stateful.bucket, bus: stateful.bus, sender: stateful.sender, appUrl, alarms: this.alarms },
      props.entryOf,
    );

    // The user pool names its trigger, so the trigger is built in the pool's (stateful) stack: here it
    // would make the two stacks reference each other.
    stateful.staffIdentity.addAccessTokenClaims(
      this.catalog.obtain(stateful.staffIdentity, 'pretoken').markSynchronous('Cognito (pre token generation trigger)'),
    );
    this.staffSignIn = new StaffSignIn(this, 'StaffSignIn', { userPool: stateful.staffIdentity.userPool, boardUrl: `${appUrl}/board` });
    const domain = config.domain;
    if (domain && !props.siteCertificateArn) throw new Error('baocao: a domain needs the certificate of the edge stack (us-east-1)');
    this.upload = new UploadApi(this, 'Upload', {
      catalog: this.catalog,
      logRetention: config.logRetentionDays,
      staff: { userPool: stateful.staffIdentity.userPool, client: this.staffSignIn.client },
      ...(domain
        ? {
            domain: {
              name: domain.apiName,
              certificate: new Certificate(this, 'ApiCertificate', { domainName: domain.apiName, validation: dnsValidation(this, domain) }),
            },
          }
        : {}),
    });
    this.site = new Site(this, 'Site', {
      apiHost: this.upload.originHost,
      ...(domain && props.siteCertificateArn
        ? { domain: { name: domain.name, certificate: Certificate.fromCertificateArn(this, 'SiteCertificate', props.siteCertificateArn) } }
        : {}),
      originSecret: this.upload.originSecret.secretValue.unsafeUnwrap(),
      uploads: stateful.bucket,
      accessLogs: stateful.accessLogs,
      cdnLogs: stateful.cdnLogs,
      boardSignIn: {
        userPoolId: stateful.staffIdentity.userPool.userPoolId,
        domainUrl: stateful.staffIdentity.domain.baseUrl(),
        clientId: this.staffSignIn.client.userPoolClientId,
      },
      ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
    });
    if (domain) this.publishNames(domain);
    else {
      Annotations.of(this).addWarningV2(
        'baocao:no-custom-domain',
        "No domain configured: the HTTP API keeps its default execute-api endpoint (CloudFront's origin, guarded by the origin header) and the site is on *.cloudfront.net. Production should set the domain context (infra/README.md) so the default endpoint is disabled.",
      );
    }
    const routing = {
      catalog: this.catalog,
      buses: { baocao: stateful.bus },
      bucketName: stateful.bucket.bucketName,
      alarms: this.alarms,
    };
    this.ingest = new Ingest(this, 'Ingest', routing);
    this.compliance = new Compliance(this, 'Compliance', routing);
    this.schedules = new Schedules(this, 'Schedules', {
      defs: deployableSchedules(this, props.schedules ?? schedules(config.regime)),
      catalog: this.catalog,
      alarms: this.alarms,
    });

    assertEverythingWired(EVENT_ROUTES, [...this.ingest.routes, ...this.compliance.routes], this.catalog);

    new CfnOutput(this, SERVICE_OUTPUTS.siteUrl, {
      value: this.site.url,
      description:
        'Form: {SiteUrl}/#t=UNIT_TOKEN; board: {SiteUrl}/board (staff sign in through the user pool); the API is on the same origin',
    });
    new CfnOutput(this, SERVICE_OUTPUTS.appUrl, { value: appUrl, description: 'Origin of the links in emails (appOrigin, else SiteUrl)' });
    new CfnOutput(this, SERVICE_OUTPUTS.staffClientId, {
      value: this.staffSignIn.client.userPoolClientId,
      description: "The board's public client (authorization code + PKCE)",
    });
    new CfnOutput(this, SERVICE_OUTPUTS.alarmTopicArn, { value: this.alarms.topic.topicArn });
  }

  /**
   * The domain's DNS names: with a hosted zone, alias records (the site's A and AAAA to CloudFront,
   * the API's A to its regional custom domain); without one, the API's target is an output and the
   * operator publishes both CNAMEs (the site's target is SiteUrl's host).
   */
  private publishNames(domain: DomainConfig): void {
    const apiDomain = this.upload.domainName!;
    const zone = hostedZone(this, domain);
    if (!zone) {
      new CfnOutput(this, SERVICE_OUTPUTS.apiDnsTarget, {
        value: apiDomain.regionalDomainName,
        description: `Without a hosted zone: publish ${domain.apiName} CNAME this, and ${domain.name} CNAME the host of SiteUrl`,
      });
      return;
    }
    const site = RecordTarget.fromAlias(new CloudFrontTarget(this.site.distribution));
    new ARecord(this, 'SiteAlias', { zone, recordName: domain.name, target: site });
    new AaaaRecord(this, 'SiteAliasIpv6', { zone, recordName: domain.name, target: site });
    new ARecord(this, 'ApiAlias', {
      zone,
      recordName: domain.apiName,
      target: RecordTarget.fromAlias(new ApiGatewayv2DomainProperties(apiDomain.regionalDomainName, apiDomain.regionalHostedZoneId)),
    });
  }
}

/**
 * A schedule whose target has not joined FUNCTION_NAMES yet (its function is still being written)
 * is left out with a warning instead of failing synth.
 */
function deployableSchedules(stack: Stack, defs: readonly ScheduleDef[]): ScheduleDef[] {
  const known = new Set<string>(FUNCTION_NAMES);
  return defs.filter((d) => {
    if (known.has(d.target)) return true;
    Annotations.of(stack).addWarningV2(
      `baocao:schedule-${d.id}`,
      `Schedule ${d.id} targets "${d.target}", which is not in FUNCTION_NAMES yet: not deployed.`,
    );
    return false;
  });
}

/**
 * A route no capability claims, or a function nothing invokes, is a wiring bug: fail synth and
 * say which (a new capability construct lists its targets, see Ingest.TARGETS).
 */
export function assertEverythingWired(
  routes: readonly EventRoute[],
  routed: readonly Pick<RoutedEvent, 'route'>[],
  catalog: Pick<FunctionCatalog, 'unwired'>,
): void {
  const seen = new Map<string, number>();
  for (const r of routed) seen.set(r.route.id, (seen.get(r.route.id) ?? 0) + 1);
  const problems: string[] = [];
  for (const route of routes) {
    const n = seen.get(route.id) ?? 0;
    if (n !== 1) problems.push(`event route ${route.id} (target ${route.target}) is wired ${n} times, expected once`);
  }
  for (const name of catalog.unwired()) problems.push(`function ${name} is in FUNCTION_NAMES but no route, API or schedule invokes it`);
  if (problems.length > 0) throw new Error(`baocao wiring: ${problems.join('; ')}`);
}
