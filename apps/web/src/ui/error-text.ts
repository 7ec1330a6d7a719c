import { ApiError } from "../lib/api";
import type { MessageKey } from "../features/i18n/dictionaries";

/** Turns an API error into a sentence key; `byCode` gives the screen's own wording for a code. */
export function errorKey(error: unknown, byCode: Partial<Record<string, MessageKey>> = {}): MessageKey {
  if (error instanceof ApiError) {
    const own = byCode[error.code];
    if (own) return own;
    if (error.code === "network") return "errorNetwork";
    if (error.code === "rate_limited") return "errorRateLimited";
    if (error.code === "forbidden") return "errorForbidden";
  }
  return "errorGeneric";
}
