import type { ErrorCode } from "@kring/protocol";

/** A failure a caller can act on; REST and socket layers turn it into `{code, message}`. */
export class DomainError extends Error {
  /** For `unavailable` and `rate_limited`: how long the caller should wait before trying again. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "DomainError";
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Thrown by repositories when a unique index rejects a write; `index` names which one. */
export class DuplicateKeyError extends Error {
  constructor(readonly index: string) {
    super(`duplicate key on ${index}`);
    this.name = "DuplicateKeyError";
  }
}
