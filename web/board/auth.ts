/**
 * How the board gets its bearer token: the only module that knows. Today it is the admin token of
 * the admin link (`/board#admin=…`): read once from the fragment (browsers never send it to a
 * server), kept in sessionStorage for the tab, and taken out of the address bar. A sign-in of
 * another kind (OpenID Connect) replaces this module alone: api.ts asks `accessToken()` before each
 * call and `forgetAccessToken()` when the API answers 401.
 */
const STORAGE_KEY = 'baocao.board.admin';

/** What the locked panel says when the API refused the token (without one, it says the page's own text). */
export const TOKEN_REFUSED = 'Mã quản trị không đúng hoặc đã hết hiệu lực. Mở lại đường dẫn quản trị (/board#admin=…) do hệ thống cung cấp.';

/** Storage can throw (disabled cookies, sandboxed frames): then the token lives in memory only. */
function session(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function fromFragment(): string | null {
  const m = /(?:^#|&)admin=([^&]+)/.exec(location.hash);
  if (!m?.[1]) return null;
  history.replaceState(null, '', location.pathname + location.search);
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

let current: string | null | undefined;

/** The bearer token to call the API with, or null when the board must ask the person to sign in. */
export function accessToken(): string | null {
  if (current === undefined) {
    const taken = fromFragment();
    if (taken) session()?.setItem(STORAGE_KEY, taken);
    current = taken ?? session()?.getItem(STORAGE_KEY) ?? null;
  }
  return current;
}

/** The API refused the token: drop it, so a reload asks again instead of failing again. */
export function forgetAccessToken(): void {
  current = null;
  session()?.removeItem(STORAGE_KEY);
}
