/**
 * The page's HTTP calls: the app's JSON API (errors in the contract's `{error:{code,message}}`
 * shape) and the presigned POST straight to S3 (errors in S3's XML). Browser-only (fetch, FormData).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const NETWORK_MESSAGE = 'Không kết nối được máy chủ. Kiểm tra kết nối mạng rồi thử lại.';

export function authHeaders(token: string | null): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_MESSAGE);
  }
}

/** Reads the contract's error body; anything else becomes a generic error with the HTTP status. */
async function apiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  const code = typeof body?.error?.code === 'string' ? body.error.code : `HTTP_${res.status}`;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `Máy chủ trả lỗi ${res.status}.`;
  return new ApiError(res.status, code, message);
}

export async function getJson<T>(path: string, token: string | null): Promise<T> {
  const res = await send(path, { headers: { accept: 'application/json', ...authHeaders(token) } });
  if (!res.ok) throw await apiError(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, token: string | null, body: unknown): Promise<T> {
  const res = await send(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders(token) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await apiError(res);
  return (await res.json()) as T;
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  key: string;
  uploadId: string;
  expiresAt: string;
}

/** S3's error XML → code and message (DOMParser: no regex over markup). */
function s3Error(status: number, text: string): ApiError {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const code = doc.querySelector('Error > Code')?.textContent?.trim() || `HTTP_${status}`;
  const detail = doc.querySelector('Error > Message')?.textContent?.trim() || '';
  const vi: Record<string, string> = {
    EntityTooLarge: 'Tệp lớn hơn dung lượng cho phép',
    EntityTooSmall: 'Tệp rỗng hoặc quá nhỏ',
    AccessDenied: 'Phiên tải lên đã hết hạn hoặc không hợp lệ; vui lòng nộp lại',
    SignatureDoesNotMatch: 'Chữ ký phiên tải lên không hợp lệ; vui lòng nộp lại',
  };
  const message = `Kho lưu trữ từ chối tệp: ${vi[code] ?? 'tệp không đáp ứng điều kiện tải lên'}${detail ? ` (${detail})` : ''}.`;
  return new ApiError(status, code, message);
}

/** The presigned POST: every returned field in order, then `file` last (S3 ignores fields after it). */
export async function postToStorage(upload: PresignedUpload, body: Blob, fileName: string): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', body, fileName);
  const res = await send(upload.url, { method: 'POST', body: form });
  if (!res.ok) throw s3Error(res.status, await res.text().catch(() => ''));
}

/** The file name a Content-Disposition header gives: `filename*` (UTF-8) first, then `filename`. */
export function dispositionFileName(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header);
  return plain?.[1] || fallback;
}

/** Downloads with the token in a header (a plain link cannot send one) and saves through a blob URL. */
export async function downloadFile(path: string, token: string | null, fallbackName: string): Promise<string> {
  const res = await send(path, { headers: authHeaders(token) });
  if (!res.ok) throw await apiError(res);
  const name = dispositionFileName(res.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** Lowercase hex SHA-256 of the exact bytes sent, computed in the browser. */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
