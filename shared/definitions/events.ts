/**
 * Event names (contract, DESIGN.md section 3) and the one routing table both CDK rules and the
 * local bus are built from.
 */
export const BUS_NAME = 'baocao';
export const EVENT_SOURCE = 'baocao';

export const DETAIL_TYPES = {
  reportAccepted: 'Report Accepted',
  reportRejected: 'Report Rejected',
  reportReviewed: 'Report Reviewed',
  unitStatusChanged: 'Unit Status Changed',
  noticeSent: 'Notice Sent',
  summaryPublished: 'Summary Published',
  /** Sở Nội vụ extended one unit's deadline for one period: its status is recomputed. */
  deadlineExtended: 'Deadline Extended',
} as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** The function names; each has functions/<name>/handler.ts. */
export const FUNCTION_NAMES = [
  'presign',
  'status',
  'ingest',
  'compliance',
  'receipt',
  'admin',
  'notices',
  'summary',
  'unit',
  'template',
  'reconcile',
  /** The staff user pool's pre-token-generation trigger: the person's name in the access token. */
  'pretoken',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** A subset of EventBridge pattern syntax: literal lists and `{prefix}` matchers, nested objects. */
export type PatternValue = string | { prefix: string };
export type EventPattern = { [field: string]: PatternValue[] | EventPattern };

export interface EventRoute {
  /** Rule id, stable: used as the CDK construct id. */
  readonly id: string;
  readonly description: string;
  /** 'default' is the account's default bus, where S3 sends "Object Created". */
  readonly bus: 'default' | 'baocao';
  /** Builds the pattern; `bucketName` is a token in CDK and a literal locally. */
  readonly pattern: (r: { bucketName: string }) => EventPattern;
  readonly target: FunctionName;
}

export const EVENT_ROUTES: readonly EventRoute[] = [
  {
    id: 'UploadCreatedToIngest',
    description: 'A report object landed under incoming/: validate and store it',
    bus: 'default',
    pattern: ({ bucketName }) => ({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [bucketName] }, object: { key: [{ prefix: 'incoming/' }] } },
    }),
    target: 'ingest',
  },
  {
    id: 'ReportOutcomeToCompliance',
    description: 'Recompute the unit status after an accepted, rejected or reviewed report, or an extended deadline',
    bus: 'baocao',
    pattern: () => ({
      source: [EVENT_SOURCE],
      'detail-type': [DETAIL_TYPES.reportAccepted, DETAIL_TYPES.reportRejected, DETAIL_TYPES.reportReviewed, DETAIL_TYPES.deadlineExtended],
    }),
    target: 'compliance',
  },
  {
    id: 'StatusChangedToReceipt',
    description: 'Email the unit a receipt or the rejection reasons',
    bus: 'baocao',
    pattern: () => ({ source: [EVENT_SOURCE], 'detail-type': [DETAIL_TYPES.unitStatusChanged] }),
    target: 'receipt',
  },
];

/** Does an event match an EventBridge pattern (the subset above)? Used by the local bus; tested against CDK's rendering. */
export function matchesPattern(event: Record<string, unknown>, pattern: EventPattern): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = event[field];
    if (Array.isArray(expected)) {
      return expected.some((m) => (typeof m === 'string' ? actual === m : typeof actual === 'string' && actual.startsWith(m.prefix)));
    }
    return typeof actual === 'object' && actual !== null && matchesPattern(actual as Record<string, unknown>, expected);
  });
}
