/**
 * What the staff user pool's pre-token-generation trigger (V2_0 event) adds to an access token:
 * the person's `name` attribute, and nothing else. Cognito access tokens carry `username`, not
 * `name`; with this claim the audit trail names the person (staffFromClaims reads `name` first),
 * as the local provider's tokens already do. Imports nothing, so the trigger's bundle is its floor.
 */

/** The claim added, named as the user pool attribute it copies. */
export const STAFF_NAME_CLAIM = 'name';

/** The part of Cognito's pre-token-generation V2 event read and written here. */
export interface PreTokenEventV2 {
  readonly request: { readonly userAttributes: Readonly<Record<string, string | undefined>> };
  response: {
    claimsAndScopeOverrideDetails?: { accessTokenGeneration?: { claimsToAddOrOverride?: Record<string, string> } } | null;
  };
}

/**
 * The event with its response set so the access token gains `name`; the id token, groups and
 * scopes stay Cognito's. A user without a name (blank) is left as Cognito made them: the username
 * then stands in (staffFromClaims).
 */
export function withStaffName<E extends PreTokenEventV2>(event: E): E {
  const name = event.request.userAttributes[STAFF_NAME_CLAIM]?.trim();
  if (name)
    event.response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { [STAFF_NAME_CLAIM]: name } } } };
  return event;
}
