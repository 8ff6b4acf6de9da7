import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  CfnUserPoolGroup,
  FeaturePlan,
  LambdaVersion,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolOperation,
  type UserPoolDomain,
  type IUserPool,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { STAFF_ROLES, STAFF_ROLE_LABELS, type StaffRole } from '../../shared/definitions/staff-roles.js';

/** Cognito's default access-token lifetime; the board refreshes within the session. */
export const STAFF_ACCESS_TOKEN_TTL = Duration.hours(1);
/** A working day: after it, the person signs in again (with MFA). */
export const STAFF_SESSION_TTL = Duration.hours(12);

export interface StaffIdentityProps {
  /** Prefix of the managed-login domain; default baocao-{account}. */
  readonly domainPrefix?: string;
}

/**
 * Who the staff of Sở Nội vụ are (stateful: users, their MFA devices, their groups). A Cognito user
 * pool with no self sign-up — an admin creates each account — MFA required with TOTP only, a strong
 * password policy, the Plus plan's threat protection, deletion protection and RETAIN; one group per
 * role of shared/definitions/staff-roles.ts; the managed-login domain where staff sign in.
 * The board's app client lives with compute (StaffSignIn below), as its callback is the site's URL.
 */
export class StaffIdentity extends Construct {
  readonly userPool: UserPool;
  readonly groups: { readonly [R in StaffRole]: CfnUserPoolGroup };
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: StaffIdentityProps = {}) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Pool', {
      userPoolName: 'baocao-staff',
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection below, and what Essentials gives (access-token customization by the
      // V2_0 pre-token-generation trigger, addAccessTokenClaims). Set explicitly: the default is Essentials.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // `name` is what the audit trail shows (the access token carries it, addAccessTokenClaims).
      // Required attributes are fixed at creation: changing them replaces the pool (new in this release).
      standardAttributes: { fullname: { required: true, mutable: true }, email: { required: true, mutable: true } },
    });

    this.groups = Object.fromEntries(
      STAFF_ROLES.map((role) => [
        role,
        new CfnUserPoolGroup(this, `Group-${role}`, {
          userPoolId: this.userPool.userPoolId,
          groupName: role,
          description: STAFF_ROLE_LABELS[role],
        }),
      ]),
    ) as { [R in StaffRole]: CfnUserPoolGroup };

    this.domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `baocao-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
  }

  /**
   * Cognito calls `fn` (functions/pretoken) before it issues tokens, with the V2_0 event, whose
   * response may change the access token (V1_0 reaches the id token only): it adds the person's name.
   * The function must sit in this stack, as the pool names it.
   */
  addAccessTokenClaims(fn: IFunction): void {
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, fn, LambdaVersion.V2_0);
  }
}

export interface StaffSignInProps {
  readonly userPool: IUserPool;
  /** The board's URL (`{site}/board`): the only redirect after sign-in and sign-out. */
  readonly boardUrl: string;
}

/**
 * The board's app client: a public client (no secret, a browser page) using authorization code +
 * PKCE through the managed login, and the managed login's default branding for it. Its id is the
 * audience of the HTTP API's JWT authorizer (Cognito access tokens carry it as `client_id`).
 */
export class StaffSignIn extends Construct {
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: StaffSignInProps) {
    super(scope, id);
    this.client = new UserPoolClient(this, 'BoardClient', {
      userPool: props.userPool,
      userPoolClientName: 'baocao-board',
      generateSecret: false,
      authFlows: { user: false, userSrp: false, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE, OAuthScope.EMAIL],
        callbackUrls: [props.boardUrl],
        logoutUrls: [props.boardUrl],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: STAFF_ACCESS_TOKEN_TTL,
      idTokenValidity: STAFF_ACCESS_TOKEN_TTL,
      refreshTokenValidity: STAFF_SESSION_TTL,
    });
    new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: props.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
  }
}
