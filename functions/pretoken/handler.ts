import { withStaffName, type PreTokenEventV2 } from '../../shared/domain/staff-claims.js';

/**
 * Cognito pre-token-generation trigger (V2_0 event) of the staff user pool: puts the person's
 * `name` in the access token (shared/domain/staff-claims.ts). No clients, no configuration:
 * Cognito waits on it at every sign-in and token refresh.
 */
export const handler = async <E extends PreTokenEventV2>(event: E): Promise<E> => withStaffName(event);
