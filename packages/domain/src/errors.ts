import type { ErrorCode } from "@kring/protocol";

/** A failure a caller can act on; REST and socket layers turn it into `{code, message}`. */
export class DomainError extends Error {
  /** For `unavailable` and `rate_limited`: how long the caller should wait before trying again. */
  readonly retryAfterMs: number | undefined;
  /** On a lost claim race: who claimed first, so the loser reads "Marie is already on it". */
  readonly claimedBy: { userId: string; name: string } | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { retryAfterMs?: number; claimedBy?: { userId: string; name: string } } = {},
  ) {
    super(message);
    this.name = "DomainError";
    this.retryAfterMs = options.retryAfterMs;
    this.claimedBy = options.claimedBy;
  }
}

/** Thrown by repositories when a unique index rejects a write; `index` names which one. */
export class DuplicateKeyError extends Error {
  constructor(readonly index: string) {
    super(`duplicate key on ${index}`);
    this.name = "DuplicateKeyError";
  }
}
