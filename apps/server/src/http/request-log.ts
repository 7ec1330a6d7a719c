import type { IncomingMessage, ServerResponse } from "node:http";
import type { Options } from "pino-http";

/** Probes and static files would drown the lines an operator needs. */
const UNLOGGED = /^\/(healthz|readyz|metrics)(\?|$)|^\/assets\//;

/**
 * The request's path as it may be logged: no query string, and invitation codes (a code in a URL
 * is as good as the invitation) replaced by `:code`. Headers, bodies and addresses are never
 * logged: they carry tokens, passwords and care talk.
 */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? "").split("?")[0] ?? "";
  return path.replace(/\/(invitations|join)\/[^/]+/g, "/$1/:code");
}

/** One line per HTTP request (method, path, status, duration) through pino-http. */
export const requestLogOptions: Options<IncomingMessage, ServerResponse> = {
  autoLogging: { ignore: (req) => UNLOGGED.test(req.url ?? "") },
  customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
  customSuccessMessage: () => "request",
  customErrorMessage: () => "request failed",
  serializers: {
    req: (req: { method?: string; url?: string }) => ({ method: req.method, path: loggablePath(req.url) }),
    res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
  },
};
