import { describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER } from '../../shared/definitions/http-routes.js';
import { httpHandler, json, type HttpEvent } from '../../shared/http/api.js';

/** The HTTP functions behind CloudFront refuse a request that went around it (issue 13). */
const SECRET = 'a'.repeat(48);
const event = (headers: Record<string, string>) => ({ headers, requestContext: { requestId: 'r1' } }) as unknown as HttpEvent;

describe('the CloudFront origin header', () => {
  it('refuses a request without the header or with a wrong one (403, Vietnamese), before any work', async () => {
    let calls = 0;
    const handler = httpHandler(async () => (calls++, json(200, { ok: true })), console, SECRET);

    const missing = await handler(event({}));
    const wrong = await handler(event({ [ORIGIN_VERIFY_HEADER]: 'b'.repeat(48) }));
    const right = await handler(event({ [ORIGIN_VERIFY_HEADER]: SECRET }));

    expect(missing.statusCode).toBe(403);
    expect(JSON.parse(String(missing.body))).toEqual({
      error: { code: 'DIRECT_ACCESS', message: 'Chỉ truy cập hệ thống qua địa chỉ chính thức của trang báo cáo' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(right.statusCode).toBe(200);
    expect(calls).toBe(1);
  });

  it('checks nothing where no secret is configured (the local stack has no CloudFront)', async () => {
    const handler = httpHandler(async () => json(200, { ok: true }));

    expect((await handler(event({}))).statusCode).toBe(200);
  });
});
