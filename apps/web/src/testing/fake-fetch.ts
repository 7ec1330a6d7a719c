/** jsdom has no fetch or Response: a tiny stand-in that answers JSON by route. */
type FakeRoute = (request: { method: string; path: string; body: unknown; token: string | undefined }) =>
  | { status: number; body?: unknown }
  | undefined;

export function installFakeFetch(route: FakeRoute): jest.Mock {
  const mock = jest.fn(async (path: string, init: RequestInit = {}) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    const request = {
      method: init.method ?? "GET",
      path,
      body: typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined,
      token: headers.authorization?.replace(/^Bearer /, ""),
    };
    const answer = route(request) ?? { status: 404, body: { error: { code: "not_found", message: "no route" } } };
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      json: async () => answer.body,
    } as Response;
  });
  globalThis.fetch = mock as unknown as typeof fetch;
  return mock;
}
