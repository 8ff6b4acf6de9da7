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

/**
 * The dead-letter queues the operator's `dlq list|redrive` reads, one BaocaoService output each
 * (value: the queue URL), declared where the queue is created (infra/constructs/dead-letter-queue.ts):
 * - `OnFailure<Function>`: the function's asynchronous on-failure destination. The body is Lambda's
 *   invocation record `{requestContext, requestPayload, responsePayload}`; the event is `requestPayload`.
 *   What a target that kept failing leaves (the local bus's dead letters are these).
 * - `DeadLetters<RuleId>` / `DeadLetters<ScheduleId>`: a rule's or schedule's DLQ (the event could
 *   not be handed to Lambda at all). The body is the event or the schedule's payload itself, the
 *   error in the `ERROR_CODE`/`ERROR_MESSAGE` message attributes.
 */
export type DeadLetterKind = 'on-failure' | 'rule' | 'schedule';

export const deadLetterOutputKey = (kind: DeadLetterKind, source: string): string =>
  kind === 'on-failure' ? `OnFailure${source.charAt(0).toUpperCase()}${source.slice(1)}` : `DeadLetters${source}`;
