/**
 * Environment variable names, defined once. CDK (infra/) sets them on each function with the
 * binders; the local stack sets them on its own process; functions parse them with zod (config/).
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  busName: 'BUS_NAME',
  senderAddress: 'SENDER_ADDRESS',
  replyToAddress: 'REPLY_TO_ADDRESS',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  appUrl: 'APP_URL',
  /** The secret CloudFront adds to every API request (ORIGIN_VERIFY_HEADER); set on the HTTP functions on AWS only. */
  originVerify: 'ORIGIN_VERIFY',
  /** Endpoint overrides: set only by the local stack. On AWS they are absent and the SDK default is used. */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  s3Endpoint: 'S3_ENDPOINT',
  /** The S3 endpoint a browser POSTs to (locally the policy-checking front of s3rver). */
  s3PublicEndpoint: 'S3_PUBLIC_ENDPOINT',
  sesEndpoint: 'SES_ENDPOINT',
  eventsEndpoint: 'EVENTS_ENDPOINT',
  region: 'AWS_REGION',
} as const;

export type EnvKey = (typeof ENV)[keyof typeof ENV];
