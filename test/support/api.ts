/** One HTTP API call to a local stack, as a client makes it: an optional bearer token and JSON body. */
export async function apiCall(app: string, method: 'GET' | 'POST', path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${app}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
