import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { HTTP_ROUTES, ORIGIN_VERIFY_HEADER } from '../../shared/definitions/http-routes.js';
import { BOARD_OIDC_FILE, cognitoBoardOidc, SITE_CACHE_CONTROL, SITE_DIR, SITE_PAGES, siteCsp } from '../../shared/definitions/site.js';
import { BUCKET_DEFAULTS } from '../defaults.js';
import { acknowledgeWildcardResourceLater } from '../nag.js';
import { REPO_ROOT } from '../paths.js';

export interface SiteProps {
  /**
   * The HTTP API's host (its custom domain, else its execute-api endpoint): every HTTP_ROUTES path
   * is a behavior to it, so pages and API share one origin.
   */
  readonly apiHost: string;
  /** The site's custom domain name and its certificate (us-east-1); default: the *.cloudfront.net name. */
  readonly domain?: { readonly name: string; readonly certificate: ICertificate };
  /** Sent in ORIGIN_VERIFY_HEADER on every request to the API (the functions refuse one without it). */
  readonly originSecret: string;
  /** The uploads bucket: the one origin besides the site the pages may send to (the presigned POST). */
  readonly uploads: IBucket;
  /** Where the site bucket's server access logs go. */
  readonly accessLogs: IBucket;
  /** Where CloudFront's standard logs go (a bucket with ACLs, as CloudFront logging requires). */
  readonly cdnLogs: IBucket;
  /** ARN of a CloudFront-scoped WAF web ACL (in us-east-1) put in front of pages and API. */
  readonly webAclArn?: string;
  /** The built site; default web/dist (`npm run build:web`). */
  readonly siteDir?: string;
  /**
   * Where the board signs staff in: the user pool, its managed-login domain (https://…amazoncognito.com)
   * and the board's public client. Deployed beside the pages as BOARD_OIDC_FILE, and the domain is
   * the one more origin the CSP lets the pages fetch (the token endpoint).
   */
  readonly boardSignIn?: { readonly userPoolId: string; readonly domainUrl: string; readonly clientId: string };
}

/** `/units/{id}/review` → `/units/*`: CloudFront path patterns of the API routes, each once. */
export function apiPathPatterns(): string[] {
  const patterns = HTTP_ROUTES.map((r) => {
    const param = r.path.indexOf('/{');
    return param < 0 ? r.path : `${r.path.slice(0, param)}/*`;
  });
  return [...new Set(patterns)];
}

/** Viewer-request function: a page's path → its file in the bucket (`/board` → `/board.html`). */
export function pageRewriteCode(): string {
  const map = Object.fromEntries(SITE_PAGES.map((p) => [p.path, `/${p.file}`]));
  return `var PAGES = ${JSON.stringify(map)};
function handler(event) {
  var request = event.request;
  var file = PAGES[request.uri];
  if (file) request.uri = file;
  return request;
}`;
}

/**
 * The pages people open — the unit's form and the Sở Nội vụ board — as a static site: a private
 * bucket (origin access control, never public) behind CloudFront over HTTPS, with the HTTP API on
 * the same distribution under its own paths. No Lambda runs for a page view; the response
 * headers policy carries the site's CSP and security headers (shared/definitions/site.ts, which
 * the local server applies too).
 */
export class Site extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);
    const siteDir = props.siteDir ?? join(REPO_ROOT, SITE_DIR);
    if (!SITE_PAGES.every((p) => existsSync(join(siteDir, p.file)))) {
      throw new Error(`baocao: the site is not built (${siteDir}); run \`npm run build:web\` first (npm run synth does it).`);
    }

    // Built files only, rebuilt by every deploy: nothing to keep when the stack goes.
    this.bucket = new Bucket(this, 'Bucket', {
      ...BUCKET_DEFAULTS,
      versioned: false,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'site/',
    });

    this.headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'baocao pages: CSP (own scripts and styles only; API and upload bucket), no framing, no referrer, HSTS',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: siteCsp(`https://${props.uploads.bucketRegionalDomainName}`, props.boardSignIn?.domainUrl),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    const pages = new CloudFrontFunction(this, 'PageRewrite', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'baocao: page paths to their files',
      code: FunctionCode.fromInline(pageRewriteCode()),
    });

    const api: BehaviorOptions = {
      origin: new HttpOrigin(props.apiHost, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originSecret },
      }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // Every API answer is per token and per moment: never cached. Authorization, query and body
      // reach the API; the Host header does not (API Gateway routes on its own host name).
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'baocao: form, board and API',
      defaultRootObject: SITE_PAGES.find((p) => p.path === '/')?.file ?? 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.cdnLogs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        functionAssociations: [{ function: pages, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns().map((pattern) => [pattern, api])),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: props.domain.certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Unit staff and Sở Nội vụ may work from anywhere (travel, mobile networks); every API call needs a token, so a geo restriction adds no protection worth blocking them.',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain configured: the default *.cloudfront.net certificate, whose viewer TLS policy CloudFront fixes. With the domain setting the distribution gets its own certificate and TLSv1.2_2021.',
      });
    }

    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'Synthesized without a region, so without the us-east-1 edge stack and its web ACL (a warning says so); cdk deploy always has the region and attaches it.',
      });
    }

    // Pages are revalidated at every visit, so a deploy shows at once; the invalidation clears edges.
    this.deployment = new BucketDeployment(this, 'Deploy', {
      sources: [
        Source.asset(siteDir),
        // Written at deploy time (the domain and client id are tokens), so the built pages name no issuer.
        ...(props.boardSignIn ? [Source.jsonData(BOARD_OIDC_FILE, cognitoBoardOidc({ region: Aws.REGION, ...props.boardSignIn }))] : []),
      ],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.fromString(SITE_CACHE_CONTROL)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
    acknowledgeDeploymentHandler(this, this.bucket);
  }

  /** https://{distribution}.cloudfront.net (it still answers beside a custom domain). */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

/**
 * BucketDeployment runs a CDK-provided function (one per stack, created on first use) that copies
 * the built site from the CDK asset bucket into the site bucket and invalidates the distribution.
 * Its runtime, managed policy and wildcard grants are CDK's, not ours; each finding is
 * acknowledged here with what it covers.
 */
function acknowledgeDeploymentHandler(site: Construct, siteBucket: IBucket): void {
  const handler = Stack.of(site).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) throw new Error('baocao: the BucketDeployment handler was not found in the stack');
  const why = 'CDK BucketDeployment handler (deploy time only): ';
  Validations.of(handler).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: `${why}the AWS managed policy only lets it write its own CloudWatch logs.`,
    },
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${why}CDK's grantRead/grantReadWrite action groups, scoped to the asset bucket and the site bucket only.`,
    })),
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${why}cloudfront:CreateInvalidation/GetInvalidation, which have no resource-level scoping in CDK's grant.`,
    },
    { id: 'AwsSolutions-L1', reason: `${why}its Python runtime is pinned by aws-cdk-lib and moves with CDK upgrades.` },
    { id: 'Serverless-LambdaLatestVersion', reason: `${why}its Python runtime is pinned by aws-cdk-lib and moves with CDK upgrades.` },
    { id: 'Serverless-LambdaDLQ', reason: `${why}invoked synchronously by CloudFormation, which reports a failure in the stack events.` },
    { id: 'Serverless-LambdaTracing', reason: `${why}runs once per deploy; its outcome is in the CloudFormation events.` },
  );
  // The CDK asset bucket, built from the stack's own account, region and partition tokens and
  // flattened at validation the way cdk-nag names it: `<AWS::AccountId>` without an environment,
  // the concrete account and region with one (cdk deploy passes CDK_DEFAULT_ACCOUNT/REGION).
  const stack = Stack.of(site);
  const qualifier = stack.synthesizer instanceof DefaultStackSynthesizer ? stack.synthesizer.bootstrapQualifier : undefined;
  const assets = `arn:${stack.partition}:s3:::cdk-${qualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${stack.account}-${stack.region}/*`;
  acknowledgeWildcardResourceLater(
    handler,
    assets,
    `${why}reads the site's zip from the CDK bootstrap asset bucket; asset keys are content hashes, not known before synth.`,
  );
  acknowledgeWildcardResourceLater(
    handler,
    `${siteBucket.bucketArn}/*`,
    `${why}replaces every object of the site bucket, whose keys are the built files.`,
  );
}
