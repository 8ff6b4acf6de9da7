/** Resource names of the local stack; shared by the stack and the CLI. */
export const LOCAL_NAMES = {
  table: 'baocao',
  bucket: 'baocao-reports',
  bus: 'baocao',
  region: 'ap-southeast-1',
  /** s3rver accepts only this key id; the other emulators accept anything. */
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
  sender: 'baocao@kontum.gov.example',
  sesConfigurationSet: 'baocao',
} as const;

export interface LocalEndpoints {
  app: string;
  s3: string;
  dynamodb: string;
  ses: string;
  mailbox: string;
  /** A JWT access token of the seeded admin user (12 h, minted at every start): every admin route accepts it. */
  adminToken: string;
  /** The local OpenID provider (Cognito's stand-in) and the board's public client (code + PKCE). */
  oidc: { issuer: string; clientId: string };
  /** The seeded staff users, one per role (local only; never on AWS). */
  users: { username: string; password: string; name: string; roles: string[]; roleLabels: string[] }[];
  /** The local EventBridge endpoint (not in the contract; used by CLI commands that run handlers). */
  events: string;
}
