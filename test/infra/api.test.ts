import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_THROTTLE } from '../../infra/defaults.js';
import { HTTP_ROUTES } from '../../shared/definitions/http-routes.js';
import { buildTestApp, type Resources, type TestApp } from './support.js';

describe('HTTP API (built from HTTP_ROUTES)', () => {
  let t: TestApp;
  let resources: Resources;
  beforeAll(() => {
    t = buildTestApp();
    resources = t.serviceTemplate.toJSON().Resources as Resources;
  });
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
      ([, p]) => JSON.stringify(p.Properties!['FunctionName']).includes(t.service.getLogicalId(fn.node.defaultChild as never)) && p.Properties!['Principal'] === 'apigateway.amazonaws.com',
    );
    expect(permissions.some(([, p]) => JSON.stringify(p.Properties!['SourceArn']).includes(`/*/*${route.path}"`))).toBe(true);
  });

  it('throttles the stage and writes JSON access logs without headers or query strings', () => {
    t.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: API_THROTTLE.rateLimit, ThrottlingBurstLimit: API_THROTTLE.burstLimit }),
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [t.service.getLogicalId(t.service.upload.accessLogs.node.defaultChild as never), 'Arn'] }, Format: Match.anyValue() },
    });
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const format = (stage.Properties!['AccessLogSettings'] as { Format: string }).Format;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields['requestId']).toBe('$context.requestId');
    expect(format).not.toMatch(/header|querystring|authorization/i);
  });

  it('serves the form itself over HTTPS: no bucket website, no public bucket', () => {
    const buckets = Object.values(t.statefulTemplate.toJSON().Resources as Resources).filter((r) => r.Type === 'AWS::S3::Bucket');
    for (const b of buckets) {
      expect(b.Properties!['WebsiteConfiguration']).toBeUndefined();
      expect(b.Properties!['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
  });
});
