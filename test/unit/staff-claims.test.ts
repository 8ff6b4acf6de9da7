import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/pretoken/handler.js';
import { staffFromClaims } from '../../shared/domain/staff.js';

/**
 * A pre-token-generation V2_0 event as Cognito sends it for a managed-login sign-in (the shape of
 * the Cognito developer guide's example, with this pool's attributes and groups).
 */
function cognitoEvent(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'ap-southeast-1',
    userPoolId: 'ap-southeast-1_AbCdEf123',
    userName: 'nguyenvana',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '4tq8h3example0client1id' },
    request: {
      userAttributes: {
        sub: '59ba551c-c0a1-70d6-34e2-1a2b3c4d5e6f',
        'cognito:user_status': 'CONFIRMED',
        email_verified: 'true',
        email: 'nguyenvana@snv.kontum.gov.vn',
        ...userAttributes,
      },
      groupConfiguration: { groupsToOverride: ['reviewer'], iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid', 'profile', 'email', 'aws.cognito.signin.user.admin'],
    },
    response: { claimsAndScopeOverrideDetails: null as never },
  };
}

describe('the pre-token-generation trigger (functions/pretoken)', () => {
  it("adds the user's name attribute to the access token, and nothing else", async () => {
    const out = await handler(cognitoEvent({ name: 'Nguyễn Văn A' }));
    expect(out.response).toEqual({
      claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { name: 'Nguyễn Văn A' } } },
    });
    // The rest of the event is Cognito's, returned as received.
    expect(out.request.groupConfiguration.groupsToOverride).toEqual(['reviewer']);
    expect(out.userName).toBe('nguyenvana');
  });

  it('trims the name, and leaves the tokens as Cognito made them for a user without one', async () => {
    expect((await handler(cognitoEvent({ name: '  Trần Thị B ' }))).response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { name: 'Trần Thị B' } },
    });
    expect((await handler(cognitoEvent({ name: '   ' }))).response.claimsAndScopeOverrideDetails).toBeNull();
    expect((await handler(cognitoEvent({}))).response.claimsAndScopeOverrideDetails).toBeNull();
  });

  it('puts the name where the audit trail reads it: an access token with it names the person, not the username', async () => {
    const out = await handler(cognitoEvent({ name: 'Nguyễn Văn A' }));
    const added = out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride ?? {};
    // What API Gateway's JWT authorizer hands over from a Cognito access token, plus the added claims.
    const claims = { sub: out.request.userAttributes['sub'], username: out.userName, 'cognito:groups': '[reviewer]', ...added };
    expect(staffFromClaims(claims)).toEqual({ sub: '59ba551c-c0a1-70d6-34e2-1a2b3c4d5e6f', name: 'Nguyễn Văn A', roles: ['reviewer'] });
  });
});
