import { z } from "zod";

/** Every error code a client can receive, over REST and in socket acks. */
export const ErrorCode = z.enum([
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "gone",
  "payload_too_large",
  "rate_limited",
  "unavailable",
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** HTTP status for each error code (the REST contract in docs/protocol.md). */
export const httpStatusByErrorCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** On `unavailable` and `rate_limited`: wait at least this long, then resend (same clientId). */
  retryAfterMs: z.number().int().nonnegative().optional(),
  /** On an `alert:claim` answered `conflict`: who got there first ("Marie is already on it"). */
  claimedBy: z.object({ userId: z.string(), name: z.string() }).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** REST error envelope: `{"error":{"code","message"}}`. */
export const ErrorResponse = z.object({ error: ErrorBody });
export type ErrorResponse = z.infer<typeof ErrorResponse>;
