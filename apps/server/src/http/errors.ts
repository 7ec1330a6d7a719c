import { DomainError } from "@kring/domain";
import { type ErrorBody, type ErrorCode, httpStatusByErrorCode } from "@kring/protocol";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { z } from "zod";
import type { Logger } from "@kring/logger";

/** Parses untrusted input; a mismatch becomes `validation_failed` with the first problems named. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const details = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`)
      .join("; ");
    throw new DomainError("validation_failed", `Invalid input (${details}).`);
  }
  return result.data;
}

/** Turns anything thrown into the `{code, message}` a client sees; unknown errors never leak details. */
export function toErrorBody(error: unknown, logger: Logger): ErrorBody {
  if (error instanceof DomainError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.claimedBy === undefined ? {} : { claimedBy: error.claimedBy }),
    };
  }
  logger.error("unexpected error", error);
  return { code: "internal", message: "Something went wrong on the server. Please try again." };
}

export function sendError(res: Parameters<RequestHandler>[1], code: ErrorCode, message: string) {
  sendErrorBody(res, { code, message });
}

/** 429 and 503 say when to come back: `Retry-After` in whole seconds, and `retryAfterMs` in the body. */
function sendErrorBody(res: Parameters<RequestHandler>[1], body: ErrorBody) {
  if (body.retryAfterMs !== undefined) res.setHeader("Retry-After", String(Math.max(1, Math.ceil(body.retryAfterMs / 1000))));
  res.status(httpStatusByErrorCode[body.code]).json({ error: body });
}

/** zlib's errors while body-parser inflates a gzip/deflate/br body that is not what it claims. */
function isCorruptCompressedBody(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("Z_") || code.startsWith("ERR_BROTLI") || code === "ERR__ERROR_FORMAT_PADDING_1");
}

/** body-parser failures (malformed JSON, too large) keep their meaning instead of becoming 500s. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const type = (error as { type?: unknown }).type;
    if (type === "entity.too.large") {
      sendError(res, "payload_too_large", "The request body is too large.");
      return;
    }
    if (type === "entity.parse.failed") {
      sendError(res, "validation_failed", "The request body is not valid JSON.");
      return;
    }
    if ((typeof type === "string" && type.startsWith("entity.")) || type === "charset.unsupported" || type === "encoding.unsupported") {
      sendError(res, "validation_failed", "The request body could not be read.");
      return;
    }
    if (isCorruptCompressedBody(error)) {
      sendError(res, "validation_failed", "The request body could not be decompressed. Send it uncompressed or correctly encoded.");
      return;
    }
    sendErrorBody(res, toErrorBody(error, logger));
  };
}
