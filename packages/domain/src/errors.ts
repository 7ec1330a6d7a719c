import type { ErrorCode } from "@kring/protocol";

/** A failure a caller can act on; REST and socket layers turn it into `{code, message}`. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** With `rate_limited` and `unavailable`: when trying again makes sense. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** Thrown by repositories when a unique index rejects a write; `index` names which one. */
export class DuplicateKeyError extends Error {
  constructor(readonly index: string) {
    super(`duplicate key on ${index}`);
    this.name = "DuplicateKeyError";
  }
}
