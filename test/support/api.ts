import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { expect } from 'vitest';
import { uploadFile } from '../../local/upload-client.js';

/** One HTTP API call to a local stack, as a client makes it: an optional bearer token and JSON body. */
export async function apiCall(app: string, method: 'GET' | 'POST', path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${app}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A unit's report as JSON (`<unitId>.json`) through the real presigned-POST path; both steps must succeed. */
export async function uploadJsonReport(app: string, token: string, unitId: string, period: PeriodKey, report: unknown): Promise<void> {
  const r = await uploadFile(app, token, { period, body: JSON.stringify(report), kind: 'json', fileName: `${unitId}.json` });
  expect(r.presignStatus).toBe(200);
  expect(r.postStatus).toBeLessThan(300);
}
