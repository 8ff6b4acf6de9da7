import { describe, expect, it } from 'vitest';
import { cognitoBoardOidc, siteCsp, standardBoardOidc } from '../../shared/definitions/site.js';

/**
 * The board's sign-in settings (BOARD_OIDC_FILE) for the two providers it meets: the board reads
 * only these fields, so these are the only places that know Cognito's paths or oidc-provider's.
 */
describe('the board sign-in settings', () => {
  it('point at the Cognito managed login: authorize, token and logout under the domain, the issuer under cognito-idp', () => {
    const cfg = cognitoBoardOidc({
      region: 'ap-southeast-1',
      userPoolId: 'ap-southeast-1_Abc',
      domainUrl: 'https://baocao-1.auth.ap-southeast-1.amazoncognito.com',
      clientId: 'client123',
    });

    expect(cfg).toEqual({
      issuer: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_Abc',
      clientId: 'client123',
      authorizationEndpoint: 'https://baocao-1.auth.ap-southeast-1.amazoncognito.com/oauth2/authorize',
      tokenEndpoint: 'https://baocao-1.auth.ap-southeast-1.amazoncognito.com/oauth2/token',
      endSessionEndpoint: 'https://baocao-1.auth.ap-southeast-1.amazoncognito.com/logout',
      logoutRedirectParam: 'logout_uri',
      scope: 'openid profile',
    });
  });

  it('point at a standard provider’s own paths under its issuer', () => {
    const cfg = standardBoardOidc('http://localhost:3000/oidc', 'baocao-board');

    expect(cfg.authorizationEndpoint).toBe('http://localhost:3000/oidc/auth');
    expect(cfg.tokenEndpoint).toBe('http://localhost:3000/oidc/token');
    expect(cfg.endSessionEndpoint).toBe('http://localhost:3000/oidc/session/end');
    expect(cfg.logoutRedirectParam).toBe('post_logout_redirect_uri');
  });

  it('let the pages fetch the sign-in origin only when one is given', () => {
    expect(siteCsp('https://up', 'https://signin')).toContain("connect-src 'self' https://up https://signin;");
    expect(siteCsp('https://up')).toContain("connect-src 'self' https://up;");
  });
});
