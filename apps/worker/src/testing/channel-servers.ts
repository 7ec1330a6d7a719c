import { createECDH, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startMailCatcher } from "@kring/devstack";

// Real local servers for the notification channels: an SMTP server that receives the mail, a
// push service that decrypts what it receives like a browser would, and an SMS webhook.

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return (server.address() as AddressInfo).port;
}

/** The same mail catcher `npm start` runs, on free ports. */
export async function startSmtpCatcher() {
  const catcher = await startMailCatcher({ smtpPort: 0, webPort: 0 });
  return { url: catcher.smtpUrl, messages: catcher.mails, stop: catcher.stop };
}

type Received = { path: string; headers: http.IncomingHttpHeaders; body: Buffer };

async function startHttpCatcher(handle: (request: Received) => number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks) };
      received.push(request);
      res.statusCode = handle(request);
      res.end();
    });
  });
  const port = await listen(server);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startSmsWebhook() {
  let status = 200;
  const catcher = await startHttpCatcher(() => status);
  return {
    url: `${catcher.baseUrl}/sms`,
    token: "sms-test-token",
    received: catcher.received,
    /** Subsequent requests answer with this status (to test retries and dead letters). */
    respondWith: (next: number) => {
      status = next;
    },
    messages: () => catcher.received.map((r) => ({ authorization: r.headers.authorization, ...JSON.parse(r.body.toString("utf8")) })),
    stop: catcher.stop,
  };
}

/**
 * A push service: hands out subscriptions (as a browser would, with its own P-256 key and auth
 * secret) and decrypts each push with them, so tests see exactly what the device would show.
 */
export async function startPushService() {
  const statusByPath = new Map<string, number>();
  const catcher = await startHttpCatcher((request) => statusByPath.get(request.path) ?? 201);
  const keysByPath = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  return {
    subscription(name: string) {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const path = `/push/${name}`;
      keysByPath.set(path, { ecdh, auth });
      return {
        endpoint: `${catcher.baseUrl}${path}`,
        keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
      };
    },
    respondWith(name: string, status: number) {
      statusByPath.set(`/push/${name}`, status);
    },
    /** Decrypted payloads received for a subscription, with the headers that matter. */
    received(name: string) {
      const path = `/push/${name}`;
      const keys = keysByPath.get(path);
      return catcher.received
        .filter((r) => r.path === path)
        .map((r) => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- http_ece ships no types
          const ece = require("http_ece") as { decrypt(body: Buffer, params: object): Buffer };
          const plaintext = keys ? ece.decrypt(r.body, { version: "aes128gcm", privateKey: keys.ecdh, authSecret: keys.auth }) : Buffer.alloc(0);
          return {
            payload: JSON.parse(plaintext.toString("utf8")) as Record<string, unknown>,
            ttl: r.headers.ttl,
            urgency: r.headers.urgency,
            authorization: r.headers.authorization,
          };
        });
    },
    stop: catcher.stop,
  };
}
