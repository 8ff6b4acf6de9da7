/**
 * A request the caller must change: carries the HTTP status and a stable code; the message is
 * for people (Vietnamese). Use cases throw it; the HTTP adapter turns it into the JSON error body.
 */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Optimistic concurrency lost too many times in a row; the event is retried by the caller. */
export class ConcurrencyError extends Error {
  constructor(what: string) {
    super(`Concurrent updates kept conflicting: ${what}`);
    this.name = 'ConcurrencyError';
  }
}

/** A notice another sender claimed is not sent yet: the event is retried (the claim is taken over once stale). */
export class NoticeInFlightError extends Error {
  constructor(what: string) {
    super(`Notice claimed but not sent yet: ${what}`);
    this.name = 'NoticeInFlightError';
  }
}
