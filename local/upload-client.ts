import { regimeSet } from '../shared/domain/regimes.js';
import { periodFields, type PeriodKey } from '../shared/domain/periodicity.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableAdapters } from '../shared/adapters/dynamodb.adapter.js';
import { systemClock } from '../shared/clock.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import { issueToken } from '../shared/use-cases/tokens.js';
import { LOCAL_NAMES, type LocalEndpoints } from './names.js';

/**
 * A client of the running local stack, used the way a unit's browser and Sở Nội vụ use it:
 * POST /uploads, then the multipart POST to the presigned URL. Shared by the CLI, the demo and tests.
 */
export function localTables(ep: Pick<LocalEndpoints, 'dynamodb'>) {
  const ddb = new DynamoDBClient({
    endpoint: ep.dynamodb,
    region: LOCAL_NAMES.region,
    credentials: { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey },
  });
  return tableAdapters(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), LOCAL_NAMES.table);
}

export async function issueLocalToken(ep: Pick<LocalEndpoints, 'dynamodb'>, unitId: string, expiresAt?: Date): Promise<string> {
  const t = localTables(ep);
  const regimes = (await t.regimes.list()) ?? regimeSet(DEFAULT_REGIME);
  const { token } = await issueToken({ tokens: t.tokens, clock: systemClock, regimes }, { unitId, ...(expiresAt ? { expiresAt } : {}) });
  return token;
}

export interface UploadOutcome {
  /** HTTP status of POST /uploads. */
  presignStatus: number;
  presign:
    | { url: string; fields: Record<string, string>; key: string; uploadId: string; expiresAt: string }
    | { error: { code: string; message: string } };
  /** HTTP status of the multipart POST to S3 (absent when presign failed). */
  postStatus?: number;
  postBody?: string;
}

export const CONTENT_TYPES = {
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const;

/** Uploads one file for the token's unit through the real presigned-POST path. */
export async function uploadFile(
  app: string,
  token: string,
  input: { period: PeriodKey; body: Uint8Array | string; kind: keyof typeof CONTENT_TYPES; fileName?: string; declaredSize?: number },
): Promise<UploadOutcome> {
  const bytes = typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body;
  const contentType = CONTENT_TYPES[input.kind];
  const res = await fetch(`${app}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...periodFields(input.period),
      fileName: input.fileName ?? `bao-cao.${input.kind}`,
      contentType,
      size: input.declaredSize ?? bytes.byteLength,
    }),
  });
  const presign = (await res.json()) as UploadOutcome['presign'];
  if (!res.ok || 'error' in presign) return { presignStatus: res.status, presign };
  const form = new FormData();
  for (const [k, v] of Object.entries(presign.fields)) form.append(k, v);
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType }), input.fileName ?? `bao-cao.${input.kind}`);
  const post = await fetch(presign.url, { method: 'POST', body: form });
  return { presignStatus: res.status, presign, postStatus: post.status, postBody: await post.text() };
}

/** Polls `check` until it returns a value or the time is up (bounded wait, never a fixed sleep). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
