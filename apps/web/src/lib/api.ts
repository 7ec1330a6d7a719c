import type { ErrorCode } from "@kring/protocol";
import { ErrorResponse } from "./answer-shapes";

/**
 * Anything with a zod-like `parse`: every response body is parsed with its protocol schema, or, in
 * code the resident's tablet loads first, with its light twin in answer-shapes.ts (no zod there).
 */
type ResponseSchema<T> = { parse(data: unknown): T };

type ApiErrorCode = ErrorCode | "network" | "bad_response";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type AuthHooks = {
  getToken(): string | undefined;
  /** Gets a fresh access token (device token exchange); undefined means signed out. */
  renewToken(): Promise<string | undefined>;
};

let authHooks: AuthHooks | undefined;

/** The session store plugs in here, so lib/ never imports a feature. */
export function configureApiAuth(hooks: AuthHooks | undefined): void {
  authHooks = hooks;
}

type RequestOptions<T> = {
  body?: unknown;
  schema?: ResponseSchema<T>;
  /** false for the sign-in calls that must not send (or renew) a token. */
  isAuthenticated?: boolean;
};

async function send(method: string, path: string, body: unknown, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network", "No connection to Kring.");
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const data: unknown = await response.json().catch(() => undefined);
  const parsed = ErrorResponse.safeParse(data);
  if (parsed.success) return new ApiError(response.status, parsed.data.error.code, parsed.data.error.message);
  return new ApiError(response.status, "internal", `HTTP ${response.status}`);
}

/**
 * Calls a relative `/api/...` URL (same origin in production, proxied by Vite in development).
 * A 401 on an authenticated call renews the access token once and retries: tokens last 15
 * minutes and a tablet must never show "signed out" because a timer slept in the background.
 */
export async function apiRequest<T = void>(method: string, path: string, options: RequestOptions<T> = {}): Promise<T> {
  const isAuthenticated = options.isAuthenticated ?? true;
  let response = await send(method, path, options.body, isAuthenticated ? authHooks?.getToken() : undefined);
  if (response.status === 401 && isAuthenticated && authHooks !== undefined) {
    const token = await authHooks.renewToken();
    if (token === undefined) throw new ApiError(401, "unauthorized", "Signed out.");
    response = await send(method, path, options.body, token);
  }
  if (!response.ok) throw await toApiError(response);
  if (options.schema === undefined) return undefined as T;
  const data: unknown = await response.json().catch(() => undefined);
  try {
    return options.schema.parse(data);
  } catch {
    throw new ApiError(response.status, "bad_response", `Unexpected answer from ${path}`);
  }
}

export const api = {
  get: <T>(path: string, schema: ResponseSchema<T>) => apiRequest("GET", path, { schema }),
  post: <T = void>(path: string, body: unknown, schema?: ResponseSchema<T>) =>
    apiRequest<T>("POST", path, { body, ...(schema ? { schema } : {}) }),
  put: <T = void>(path: string, body: unknown, schema?: ResponseSchema<T>) =>
    apiRequest<T>("PUT", path, { body, ...(schema ? { schema } : {}) }),
  delete: (path: string, body?: unknown) => apiRequest("DELETE", path, { body }),
};
