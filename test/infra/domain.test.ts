import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/config.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { ORIGIN_VERIFY_HEADER } from '../../shared/definitions/http-routes.js';
import { SERVICE_OUTPUTS, STACK_NAMES } from '../../shared/definitions/stack-outputs.js';
import { buildTestApp, type Resources, type TestApp } from './support.js';

const ENVIRONMENT = { account: '123456789012', region: 'ap-southeast-1' };
const NAME = 'baocao.snv.kontum.gov.vn';
const API_NAME = `api.${NAME}`;
const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'snv.kontum.gov.vn' };

interface Origin {
  DomainName: unknown;
  CustomOriginConfig?: { OriginProtocolPolicy: string };
  OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
}

function build(domain: Record<string, string>): TestApp & { edgeTemplate: Template } {
  // As `-c domain='{…}'` gives it: a JSON string.
  const t = buildTestApp({ domain: JSON.stringify(domain) }, { env: ENVIRONMENT });
  return { ...t, edgeTemplate: Template.fromStack(t.edge!) };
}
const distributionConfig = (t: TestApp) =>
  Object.values(t.serviceTemplate.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig as {
    Aliases?: string[];
    ViewerCertificate?: Record<string, unknown>;
    Origins: Origin[];
  };

describe('with a custom domain and its Route 53 hosted zone', () => {
  let t: ReturnType<typeof build>;
  beforeAll(() => {
    t = build({ name: NAME, ...ZONE });
  });

  it('disables the default execute-api endpoint and serves the API on its own name: domain name (TLS 1.2) and mapping to the stage', () => {
    t.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    const apiDomain = t.service.upload.domainName!;
    const domainId = t.service.getLogicalId(apiDomain.node.defaultChild as never);
    const certificates = t.serviceTemplate.findResources('AWS::CertificateManager::Certificate');
    const [certId] = Object.keys(certificates);
    t.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: API_NAME,
      DomainNameConfigurations: [{ CertificateArn: { Ref: certId }, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    t.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: t.service.getLogicalId(t.service.upload.api.node.defaultChild as never) },
      DomainName: { Ref: domainId },
      Stage: '$default',
    });
    // The API's certificate is regional (this stack), validated in the hosted zone.
    expect(Object.values(certificates)).toHaveLength(1);
    expect(Object.values(certificates)[0]!.Properties).toMatchObject({
      DomainName: API_NAME,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: API_NAME, HostedZoneId: ZONE.hostedZoneId }],
    });
  });

  it("creates the site's certificate in the us-east-1 edge stack, validated in the hosted zone", () => {
    expect(t.edge!.region).toBe('us-east-1');
    t.edgeTemplate.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    t.edgeTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: NAME,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: NAME, HostedZoneId: ZONE.hostedZoneId }],
    });
  });

  it('answers on the name with that certificate (cross-region reference), SNI and TLSv1.2_2021 at least', () => {
    const dist = distributionConfig(t);
    expect(dist.Aliases).toEqual([NAME]);
    expect(dist.ViewerCertificate).toEqual({
      AcmCertificateArn: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: STACK_NAMES.edge, Region: 'us-east-1' }) },
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(t.service.dependencies.map((d) => d.node.id)).toContain(STACK_NAMES.edge);
  });

  it("sends API paths to the API's custom domain, still with the origin header (the custom domain is public too)", () => {
    const api = distributionConfig(t).Origins.filter((o) => o.CustomOriginConfig);
    expect(api).toHaveLength(1);
    // Ref of the API's DomainName resource is its name; the reference also orders the deploy.
    expect(api[0]!.DomainName).toEqual({ Ref: t.service.getLogicalId(t.service.upload.domainName!.node.defaultChild as never) });
    const ref = (api[0]!.DomainName as { Ref: string }).Ref;
    expect((t.serviceTemplate.toJSON().Resources as Resources)[ref]).toMatchObject({
      Type: 'AWS::ApiGatewayV2::DomainName',
      Properties: { DomainName: API_NAME },
    });
    expect(api[0]!.CustomOriginConfig!.OriginProtocolPolicy).toBe('https-only');
    const header = api[0]!.OriginCustomHeaders?.find((h) => h.HeaderName === ORIGIN_VERIFY_HEADER);
    expect(JSON.stringify(header?.HeaderValue)).toContain(t.service.getLogicalId(t.service.upload.originSecret.node.defaultChild as never));
  });

  it('publishes alias records in the zone: the site (A and AAAA) to CloudFront, the API (A) to its regional domain', () => {
    const records = Object.values(t.serviceTemplate.findResources('AWS::Route53::RecordSet')).map(
      (r) => r.Properties as Record<string, unknown>,
    );
    expect(records.map((r) => `${String(r['Name'])} ${String(r['Type'])}`).sort()).toEqual([
      `${API_NAME}. A`,
      `${NAME}. A`,
      `${NAME}. AAAA`,
    ]);
    for (const r of records) expect(r['HostedZoneId']).toBe(ZONE.hostedZoneId);
    const distId = t.service.getLogicalId(t.service.site.distribution.node.defaultChild as never);
    const domainId = t.service.getLogicalId(t.service.upload.domainName!.node.defaultChild as never);
    const site = records.filter((r) => r['Name'] === `${NAME}.`);
    for (const r of site) expect(r['AliasTarget']).toMatchObject({ DNSName: { 'Fn::GetAtt': [distId, 'DomainName'] } });
    expect(records.find((r) => r['Name'] === `${API_NAME}.`)!['AliasTarget']).toEqual({
      DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
      HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
    });
    // Nothing for the operator to publish by hand.
    expect(Object.keys(t.serviceTemplate.toJSON().Outputs as object)).not.toContain(SERVICE_OUTPUTS.apiDnsTarget);
  });

  it('links emails, the board sign-in and the uploads CORS rule to https://{name}, and warns of nothing', () => {
    expect(t.config.appOrigin).toBe(`https://${NAME}`);
    const receipt = t.service.catalog.get('receipt')!;
    const env = (
      (t.serviceTemplate.toJSON().Resources as Resources)[t.service.getLogicalId(receipt.node.defaultChild as never)]!.Properties![
        'Environment'
      ] as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env[ENV.appUrl]).toBe(`https://${NAME}`);
    t.serviceTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: [`https://${NAME}/board`] });
    t.statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: [`https://${NAME}`] })] },
    });
    Annotations.fromStack(t.service).hasNoWarning('*', Match.stringLikeRegexp('No domain configured'));
  });
});

describe('with a custom domain and no hosted zone (the operator publishes the records)', () => {
  let t: ReturnType<typeof build>;
  beforeAll(() => {
    t = build({ name: NAME, apiName: 'api-baocao.snv.kontum.gov.vn' });
  });

  it('validates both certificates by DNS without a zone, creates no records, and outputs the CNAME target of the API name', () => {
    t.edgeTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: NAME,
      ValidationMethod: 'DNS',
      DomainValidationOptions: Match.absent(),
    });
    t.serviceTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api-baocao.snv.kontum.gov.vn',
      ValidationMethod: 'DNS',
      DomainValidationOptions: Match.absent(),
    });
    t.serviceTemplate.resourceCountIs('AWS::Route53::RecordSet', 0);
    t.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    t.serviceTemplate.hasOutput(SERVICE_OUTPUTS.apiDnsTarget, {
      Value: { 'Fn::GetAtt': [t.service.getLogicalId(t.service.upload.domainName!.node.defaultChild as never), 'RegionalDomainName'] },
    });
    Annotations.fromStack(t.edge!).hasInfo('*', Match.stringLikeRegexp('validation CNAME'));
  });
});

describe('without a custom domain', () => {
  it('keeps the default endpoint as the origin (guarded by the origin header), and warns that production should set a domain', () => {
    const t = buildTestApp({}, { env: ENVIRONMENT });
    const api = Object.values(t.serviceTemplate.findResources('AWS::ApiGatewayV2::Api'))[0]!.Properties as Record<string, unknown>;
    expect(api['DisableExecuteApiEndpoint']).toBeUndefined();
    t.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    Template.fromStack(t.edge!).resourceCountIs('AWS::CertificateManager::Certificate', 0);
    const dist = distributionConfig(t);
    expect(dist.Aliases).toBeUndefined();
    expect(dist.ViewerCertificate).toBeUndefined();
    expect(JSON.stringify(dist.Origins.find((o) => o.CustomOriginConfig)!.DomainName)).toContain('execute-api');
    Annotations.fromStack(t.service).hasWarning('*', Match.stringLikeRegexp('No domain configured.*Production should set the domain'));
  });
});

describe('the domain setting (validated at synth)', () => {
  const problems = (domain: unknown, extra: Record<string, unknown> = {}) => {
    try {
      parseConfig({ domain, ...extra });
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('defaults the API name to api.{name} and the app origin to https://{name}', () => {
    const c = parseConfig({ domain: JSON.stringify({ name: NAME }) });
    expect(c.domain).toEqual({ name: NAME, apiName: API_NAME });
    expect(c.appOrigin).toBe(`https://${NAME}`);
  });

  it('refuses a bad name, a zone given by half, names outside the zone, an API name equal to the site name, and another appOrigin', () => {
    expect(problems({ name: 'Baocao.Example' })).toMatch(/domain\.name: expected a lowercase DNS name/);
    expect(problems({ name: NAME, hostedZoneId: ZONE.hostedZoneId })).toMatch(/hostedZoneId and hostedZoneName go together/);
    expect(problems({ name: 'baocao.example.vn', ...ZONE })).toMatch(/domain\.name: must be in the hosted zone snv\.kontum\.gov\.vn/);
    expect(problems({ name: NAME, apiName: 'api.other.vn', ...ZONE })).toMatch(/domain\.apiName: must be in the hosted zone/);
    expect(problems({ name: NAME, apiName: NAME })).toMatch(/apiName: must differ from name/);
    expect(problems({ name: NAME, extra: 1 })).toMatch(/domain/);
    expect(problems({ name: NAME }, { appOrigin: 'https://elsewhere.vn' })).toMatch(
      /appOrigin: must be https:\/\/baocao\.snv\.kontum\.gov\.vn/,
    );
    expect(problems({ name: NAME }, { appOrigin: `https://${NAME}` })).toBe('');
  });

  it('needs a concrete region: the certificate lives in the us-east-1 edge stack', () => {
    expect(() => buildTestApp({ domain: JSON.stringify({ name: NAME }) })).toThrow(/domain: .*needs a concrete region/);
  });
});
