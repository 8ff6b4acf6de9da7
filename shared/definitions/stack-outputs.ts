/**
 * Stack names and the CloudFormation output keys the operator's CLI reads, defined once: the
 * stacks declare exactly these outputs (infra/stacks), and `baocao … --outputs FILE` reads them
 * from the file `cdk deploy --all --outputs-file FILE` writes ({ StackName: { OutputKey: value } }).
 * Keys are plain output ids without exports, so they stay stable across deploys.
 */
export const STACK_NAMES = {
  stateful: 'BaocaoStateful',
  service: 'BaocaoService',
  /** us-east-1: what CloudFront requires there (the CloudFront-scoped WAF web ACL). */
  edge: 'BaocaoEdge',
} as const;

export const STATEFUL_OUTPUTS = {
  region: 'Region',
  tableName: 'TableName',
  bucketName: 'BucketName',
  busName: 'BusName',
  senderAddress: 'SenderAddress',
  replyToAddress: 'ReplyToAddress',
  sesConfigurationSet: 'SesConfigurationSet',
} as const;

export const SERVICE_OUTPUTS = {
  /** Where email links point: the custom origin when configured, else the CloudFront URL. */
  appUrl: 'AppUrl',
  /** The CloudFront URL: pages and the HTTP API on one origin. */
  siteUrl: 'SiteUrl',
  /** The board's public Cognito client (authorization code + PKCE). */
  staffClientId: 'StaffClientId',
  alarmTopicArn: 'AlarmTopicArn',
  /** Only with a custom domain and no hosted zone: the API name's CNAME target (its regional custom domain). */
  apiDnsTarget: 'ApiDnsTarget',
} as const;

export const EDGE_OUTPUTS = {
  webAclArn: 'WebAclArn',
} as const;
