import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_THROTTLE } from '../../infra/defaults.js';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { apiPathPatterns } from '../../infra/constructs/site.js';
import { HTTP_ROUTES, ORIGIN_VERIFY_HEADER } from '../../shared/definitions/http-routes.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { SITE_CACHE_CONTROL, SITE_PAGES, siteHeaders } from '../../shared/definitions/site.js';
import { buildTestApp, type Resources, type TestApp } from './support.js';

// One app for both describes: building it is the slow part.
let t: TestApp;
let resources: Resources;
beforeAll(() => {
  t = buildTestApp();
  resources = t.serviceTemplate.toJSON().Resources as Resources;
});

describe('HTTP API (built from HTTP_ROUTES)', () => {
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  it('has exactly the routes of HTTP_ROUTES', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!['RouteKey']);
    expect([...keys].sort()).toEqual(HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it.each(HTTP_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s goes to the function the route names', (key, route) => {
    const [, r] = ofType('AWS::ApiGatewayV2::Route').find(([, x]) => x.Properties!['RouteKey'] === key)!;
    const integrationId = JSON.stringify(r.Properties!['Target']).match(/"Ref":"([A-Za-z0-9]+)"/)![1]!;
    const integration = resources[integrationId]!.Properties!;
    const fn = t.service.catalog.get(route.target)!;
    expect(integration['IntegrationType']).toBe('AWS_PROXY');
    expect(integration['PayloadFormatVersion']).toBe('2.0');
    expect(integration['IntegrationUri']).toEqual({ 'Fn::GetAtt': [t.service.getLogicalId(fn.node.defaultChild as never), 'Arn'] });
    // API Gateway may invoke it, for this route only.
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) =>
        JSON.stringify(p.Properties!['FunctionName']).includes(t.service.getLogicalId(fn.node.defaultChild as never)) &&
        p.Properties!['Principal'] === 'apigateway.amazonaws.com',
    );
    expect(permissions.some(([, p]) => JSON.stringify(p.Properties!['SourceArn']).includes(`/*/*${route.path}"`))).toBe(true);
  });

  it("keeps the default endpoint only as CloudFront's origin: CloudFront sends a generated secret header that every HTTP function requires", () => {
    // The execute-api endpoint is CloudFront's origin (no custom API domain), so it cannot be
    // disabled; the functions refuse a request without the header instead (shared/http/api.ts).
    const [, api] = ofType('AWS::ApiGatewayV2::Api')[0]!;
    expect(api.Properties!['DisableExecuteApiEndpoint']).not.toBe(true);
    const secretId = t.service.getLogicalId(t.service.upload.originSecret.node.defaultChild as never);
    expect(resources[secretId]!.Properties!['GenerateSecretString']).toMatchObject({ PasswordLength: 48 });
    const [, dist] = ofType('AWS::CloudFront::Distribution')[0]!;
    const origins = (
      dist.Properties!['DistributionConfig'] as {
        Origins: {
          DomainName: unknown;
          CustomOriginConfig?: unknown;
          OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
        }[];
      }
    ).Origins;
    const apiOrigins = origins.filter((o) => o.CustomOriginConfig);
    expect(apiOrigins).toHaveLength(1);
    const header = apiOrigins[0]!.OriginCustomHeaders?.find((h) => h.HeaderName === ORIGIN_VERIFY_HEADER);
    expect(JSON.stringify(header?.HeaderValue)).toContain(secretId);
    for (const target of new Set(HTTP_ROUTES.map((r) => r.target))) {
      const fn = resources[t.service.getLogicalId(t.service.catalog.get(target)!.node.defaultChild as never)]!;
      const env = (fn.Properties!['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.stringify(env[ENV.originVerify]), target).toEqual(JSON.stringify(header?.HeaderValue));
    }
  });

  it('throttles the stage and writes JSON access logs without headers or query strings', () => {
    t.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({
        ThrottlingRateLimit: API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: API_THROTTLE.burstLimit,
      }),
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [t.service.getLogicalId(t.service.upload.accessLogs.node.defaultChild as never), 'Arn'] },
        Format: Match.anyValue(),
      },
    });
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const format = (stage.Properties!['AccessLogSettings'] as { Format: string }).Format;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields['requestId']).toBe('$context.requestId');
    expect(format).not.toMatch(/header|querystring|authorization/i);
  });

  it('serves the pages from private buckets only: no bucket website, every bucket blocks public access', () => {
    const all = { ...(t.statefulTemplate.toJSON().Resources as Resources), ...resources };
    const buckets = Object.values(all).filter((r) => r.Type === 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(4); // uploads, access logs, CDN logs, site
    for (const b of buckets) {
      expect(b.Properties!['WebsiteConfiguration']).toBeUndefined();
      expect(b.Properties!['PublicAccessBlockConfiguration']).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });
});

describe('the site (CloudFront in front of the pages bucket and the HTTP API)', () => {
  let dist: Record<string, unknown>;
  beforeAll(() => {
    const [d] = Object.values(resources).filter((r) => r.Type === 'AWS::CloudFront::Distribution');
    dist = d!.Properties!['DistributionConfig'] as Record<string, unknown>;
  });
  const id = (c: { node: { defaultChild?: unknown } }) => t.service.getLogicalId(c.node.defaultChild as never);

  it('reads the pages bucket through origin access control, HTTPS only, and logs every request', () => {
    const origins = dist['Origins'] as {
      Id: string;
      S3OriginConfig?: unknown;
      OriginAccessControlId?: unknown;
      DomainName: unknown;
      CustomOriginConfig?: { OriginProtocolPolicy: string };
    }[];
    const s3 = origins.filter((o) => o.S3OriginConfig);
    expect(s3).toHaveLength(1);
    expect(s3[0]!.OriginAccessControlId).toBeDefined();
    expect(JSON.stringify(s3[0]!.DomainName)).toContain(id(t.service.site.bucket));
    const api = origins.filter((o) => o.CustomOriginConfig);
    expect(api).toHaveLength(1);
    expect(api[0]!.CustomOriginConfig!.OriginProtocolPolicy).toBe('https-only');
    expect(JSON.stringify(api[0]!.DomainName)).toContain('execute-api');
    expect((dist['DefaultCacheBehavior'] as { ViewerProtocolPolicy: string }).ViewerProtocolPolicy).toBe('redirect-to-https');
    expect((dist['DefaultCacheBehavior'] as { Compress: boolean }).Compress).toBe(true); // gzip/brotli at the edge
    expect(dist['ViewerCertificate']).toBeUndefined(); // default certificate until a custom domain
    expect(JSON.stringify(dist['Logging'])).toContain(t.stateful.getLogicalId(t.stateful.cdnLogs.node.defaultChild as never));
    t.serviceTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' }, Condition: Match.anyValue() }),
        ]),
      }),
    });
  });

  it('sends every HTTP_ROUTES path to the API, uncached, with the viewer headers except Host', () => {
    const behaviors = dist['CacheBehaviors'] as {
      PathPattern: string;
      TargetOriginId: string;
      CachePolicyId: string;
      OriginRequestPolicyId: string;
      AllowedMethods: string[];
      ViewerProtocolPolicy: string;
    }[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(apiPathPatterns().sort());
    for (const route of HTTP_ROUTES) {
      expect(
        behaviors.some((b) => new RegExp(`^${b.PathPattern.replace('*', '[^/]+/?.*')}$`).test(route.path.replace(/\{\w+\}/g, 'u1'))),
        route.path,
      ).toBe(true);
    }
    for (const b of behaviors) {
      expect(b.CachePolicyId).toBe(CachePolicy.CACHING_DISABLED.cachePolicyId);
      expect(b.OriginRequestPolicyId).toBe(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId);
      expect(b.AllowedMethods).toContain('POST');
      expect(b.ViewerProtocolPolicy).toBe('https-only');
    }
  });

  it('adds the same security headers the local server sends, with the uploads bucket and the staff sign-in domain as the only other origins', () => {
    const [, policy] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy')!;
    const sec = (policy.Properties!['ResponseHeadersPolicyConfig'] as { SecurityHeadersConfig: Record<string, Record<string, unknown>> })
      .SecurityHeadersConfig;
    const uploads = t.stateful.getLogicalId(t.stateful.bucket.node.defaultChild as never);
    const csp = sec['ContentSecurityPolicy']!['ContentSecurityPolicy'] as { 'Fn::Join': [string, unknown[]] };
    const [joiner, parts] = csp['Fn::Join'];
    const domain = t.stateful.getLogicalId(t.stateful.staffIdentity.domain.node.defaultChild as never);
    const token = parts.filter((p) => typeof p !== 'string');
    expect(token).toHaveLength(3);
    expect(JSON.stringify(token[0])).toContain(uploads); // the uploads bucket's regional domain, from the stateful stack
    expect(JSON.stringify(token[1])).toContain(domain); // the staff sign-in domain (the board's token endpoint)
    expect(token[2]).toEqual({ Ref: 'AWS::Region' });
    const expected = siteHeaders('https://UPLOADS', 'https://SIGNIN.auth.REGION.amazoncognito.com');
    expect(parts.map((p) => (typeof p === 'string' ? p : ['UPLOADS', 'SIGNIN', 'REGION'][token.indexOf(p)])).join(joiner)).toBe(
      expected['content-security-policy'],
    );
    expect(sec['FrameOptions']!['FrameOption']).toBe(expected['x-frame-options']);
    expect(sec['ReferrerPolicy']!['ReferrerPolicy']).toBe(expected['referrer-policy']);
    expect(sec['StrictTransportSecurity']!['AccessControlMaxAgeSec']).toBe(31536000);
    expect(sec['ContentTypeOptions']!['Override']).toBe(true);
  });

  it('rewrites each page path to its file, and deploys the built site with revalidation and an invalidation', () => {
    const fn = Object.values(resources).find((r) => r.Type === 'AWS::CloudFront::Function')!;
    const code = fn.Properties!['FunctionCode'] as string;
    // The CloudFront Function's own code, run as CloudFront would: eval is the point of this test.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const handler = new Function(`${code}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    for (const page of SITE_PAGES) expect(handler({ request: { uri: page.path } }).uri).toBe(`/${page.file}`);
    expect(handler({ request: { uri: '/form.js' } }).uri).toBe('/form.js');
    t.serviceTemplate.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: id(t.service.site.bucket) },
      SystemMetadata: Match.objectLike({ 'cache-control': SITE_CACHE_CONTROL }),
      DistributionPaths: ['/*'],
    });
  });

  it('deploys the board’s sign-in settings beside the pages: the Cognito managed-login endpoints and the board’s client id', () => {
    const [, deployment] = Object.entries(resources).find(([, r]) => r.Type === 'Custom::CDKBucketDeployment')!;
    const props = deployment.Properties!;
    const markers = JSON.stringify(props['SourceMarkers']);
    expect(props['SourceObjectKeys']).toHaveLength(2);
    expect(markers).toContain(t.service.getLogicalId(t.service.staffSignIn.client.node.defaultChild as never)); // the client id
    expect(markers).toContain(t.stateful.getLogicalId(t.stateful.staffIdentity.domain.node.defaultChild as never)); // the domain
    expect(markers).toContain(t.stateful.getLogicalId(t.stateful.staffIdentity.userPool.node.defaultChild as never)); // the issuer
  });

  it('links emails and the uploads CORS rule to the CloudFront domain when no custom origin is set', () => {
    const receipt = t.service.catalog.get('receipt')!;
    const env = (resources[id(receipt)]!.Properties!['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(env['APP_URL'])).toContain(id(t.service.site.distribution));
    const cors = JSON.stringify(
      (t.statefulTemplate.toJSON().Resources as Resources)[t.stateful.getLogicalId(t.stateful.bucket.node.defaultChild as never)]!
        .Properties!['CorsConfiguration'],
    );
    expect(cors).toContain('https://*.cloudfront.net');
  });
});
