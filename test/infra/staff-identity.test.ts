import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_IMMUTABLE_ACTIONS } from '../../infra/constructs/baocao-function.js';
import { FUNCTION_NAMES } from '../../shared/definitions/events.js';
import { HTTP_ROUTES } from '../../shared/definitions/http-routes.js';
import { STAFF_ROLES } from '../../shared/definitions/staff-roles.js';
import { buildTestApp, type Resources, type TestApp } from './support.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

let t: TestApp;
let stateful: Resources;
let service: Resources;
beforeAll(() => {
  t = buildTestApp();
  stateful = t.statefulTemplate.toJSON().Resources as Resources;
  service = t.serviceTemplate.toJSON().Resources as Resources;
});

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('the staff user pool (stateful stack)', () => {
  it('admits no self sign-up, requires MFA with TOTP only, a strong password, and is protected from deletion', () => {
    const [[, pool]] = ofType(stateful, 'AWS::Cognito::UserPool') as [[string, Resources[string]]];
    const p = pool.Properties!;

    expect(p['AdminCreateUserConfig']).toMatchObject({ AllowAdminCreateUserOnly: true });
    expect(p['MfaConfiguration']).toBe('ON');
    expect(p['EnabledMfas']).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(p['Policies']).toMatchObject({
      PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
    });
    expect(p['DeletionProtection']).toBe('ACTIVE');
    expect(p['UserPoolTier']).toBe('PLUS');
    expect([pool.DeletionPolicy, pool.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('has one group per role, in the pool', () => {
    const groups = ofType(stateful, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties!);
    const poolId = t.stateful.getLogicalId(t.stateful.staffIdentity.userPool.node.defaultChild as never);

    expect(groups.map((g) => g['GroupName']).sort()).toEqual([...STAFF_ROLES].sort());
    for (const g of groups) expect(g['UserPoolId']).toEqual({ Ref: poolId });
  });

  it("requires each person's name, and puts it in the access token through the pre-token-generation trigger (V2_0 event)", () => {
    const [[, pool]] = ofType(stateful, 'AWS::Cognito::UserPool') as [[string, Resources[string]]];
    const p = pool.Properties!;
    expect(p['Schema']).toEqual(expect.arrayContaining([expect.objectContaining({ Name: 'name', Required: true, Mutable: true })]));
    // Access-token customization needs the Essentials plan or above; Plus includes it.
    expect(['ESSENTIALS', 'PLUS']).toContain(p['UserPoolTier']);
    const trigger = t.service.catalog.get('pretoken')!;
    const fnId = t.stateful.getLogicalId(trigger.node.defaultChild as never);
    expect(p['LambdaConfig']).toEqual({ PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V2_0' } });
    // Cognito, for this pool only, may invoke it; it has no environment beyond the defaults and no grant.
    const permissions = ofType(stateful, 'AWS::Lambda::Permission').filter(
      ([, x]) => x.Properties!['Principal'] === 'cognito-idp.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]![1].Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [t.stateful.getLogicalId(t.stateful.staffIdentity.userPool.node.defaultChild as never), 'Arn'] },
    });
  });

  it('signs staff in through the managed login domain', () => {
    const [[, domain]] = ofType(stateful, 'AWS::Cognito::UserPoolDomain') as [[string, Resources[string]]];
    expect(domain.Properties!['ManagedLoginVersion']).toBe(2);
  });
});

describe('the board client and the JWT authorizer (service stack)', () => {
  it('the board is a public client: code flow only, no secret, callback to the board', () => {
    const [[, client]] = ofType(service, 'AWS::Cognito::UserPoolClient') as [[string, Resources[string]]];
    const c = client.Properties!;

    expect(c['GenerateSecret']).toBe(false);
    expect(c['AllowedOAuthFlows']).toEqual(['code']);
    expect(c['AllowedOAuthFlowsUserPoolClient']).toBe(true);
    expect(JSON.stringify(c['CallbackURLs'])).toContain('/board');
  });

  it('verifies JWTs of the user pool (issuer) for the board client (audience) from the Authorization header', () => {
    const [[, authorizer]] = ofType(service, 'AWS::ApiGatewayV2::Authorizer') as [[string, Resources[string]]];
    const a = authorizer.Properties!;
    const clientId = t.service.getLogicalId(t.service.staffSignIn.client.node.defaultChild as never);

    expect(a['AuthorizerType']).toBe('JWT');
    expect(a['IdentitySource']).toEqual(['$request.header.Authorization']);
    expect(a['JwtConfiguration']).toMatchObject({ Audience: [{ Ref: clientId }] });
    expect(JSON.stringify((a['JwtConfiguration'] as { Issuer: unknown }).Issuer)).toContain('cognito-idp.');
  });

  it.each(HTTP_ROUTES.map((r) => [`${r.method} ${r.path}`, r.auth] as const))('%s: %s route, authorizer accordingly', (key, auth) => {
    const [[authorizerId]] = ofType(service, 'AWS::ApiGatewayV2::Authorizer') as [[string, unknown]];
    const [, route] = ofType(service, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties!['RouteKey'] === key)!;

    if (auth === 'staff') expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    else expect(route.Properties!['AuthorizerId']).toBeUndefined();
  });

  it('keeps no admin token or its hash in any function', () => {
    expect(JSON.stringify(service)).not.toMatch(/ADMIN_TOKEN/);
  });
});

describe('the audit trail cannot be rewritten (IAM)', () => {
  const statementsOf = (fnName: string): Statement[] => {
    const fn = t.service.catalog.get(fnName as never)!;
    const roleId = Stack.of(fn).getLogicalId(fn.role!.node.defaultChild as never);
    return Object.values({ ...stateful, ...service })
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!['Roles']) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((r) => (r.Properties!['PolicyDocument'] as { Statement: Statement[] }).Statement);
  };

  it.each(FUNCTION_NAMES.map((n) => [n]))('%s: may not update or delete an item of an audit partition', (name) => {
    const statements = statementsOf(name);
    const writes = statements.some(
      (s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:DeleteItem'),
    );
    const deny = statements.find((s) => s.Effect === 'Deny' && [s.Action].flat().includes('dynamodb:UpdateItem'));

    if (!writes) return expect(deny).toBeUndefined();
    expect(deny).toMatchObject({ Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } } });
    expect([deny!.Action].flat().sort()).toEqual([...AUDIT_IMMUTABLE_ACTIONS].sort());
    expect(deny!.Resource).toEqual(
      statements.find((s) => s.Effect === 'Allow' && [s.Action].flat().includes('dynamodb:PutItem'))!.Resource,
    );
  });
});
