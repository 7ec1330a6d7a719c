import { createECDH, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { startMailCatcher } from "@kring/devstack";
import { isPublicAddress } from "@kring/outbound";
import type { PushTransport } from "../channels/push.channel";

// Real local servers for the notification channels: an SMTP server that receives the mail, a
// push service that decrypts what it receives like a browser would, and an SMS webhook.

/**
 * The test push service is https at `push.kring.test` (a self-signed certificate made for these
 * tests, in this folder) on 127.0.0.1. The worker's push transport in tests resolves that one name
 * to 127.0.0.1 and treats that one address as "the internet"; every other name and address goes
 * through the production rules (so `rebind.kring.test`, resolved to 127.0.0.2, stays internal).
 */
const PUSH_TEST_HOST = "push.kring.test";
export const REBIND_TEST_HOST = "rebind.kring.test";
const pushServiceCert = fs.readFileSync(path.join(__dirname, "push-service.cert.pem"), "utf8");
const pushServiceKey = fs.readFileSync(path.join(__dirname, "push-service.key.pem"), "utf8");
export const testPushTransport: PushTransport = {
  ca: pushServiceCert,
  resolve: async (host) => (host === PUSH_TEST_HOST ? ["127.0.0.1"] : host === REBIND_TEST_HOST ? ["127.0.0.2"] : []),
  isAllowedAddress: (ip) => ip === "127.0.0.1" || isPublicAddress(ip),
};

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

async function startHttpCatcher(handle: (request: Received) => number, options: { tls?: boolean; host?: string } = {}) {
  const received: Received[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks) };
      received.push(request);
      res.statusCode = handle(request);
      // A redirect points at a path of this same server, so a test can see whether it was followed.
      if (res.statusCode >= 300 && res.statusCode < 400) res.setHeader("location", "/push/redirect-target");
      res.end();
    });
  };
  const server = options.tls ? https.createServer({ cert: pushServiceCert, key: pushServiceKey }, onRequest) : http.createServer(onRequest);
  const port = await listen(server);
  return {
    baseUrl: `${options.tls ? "https" : "http"}://${options.host ?? "127.0.0.1"}:${port}`,
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
  const catcher = await startHttpCatcher((request) => statusByPath.get(request.path) ?? 201, { tls: true, host: PUSH_TEST_HOST });
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
    /** Requests that reached a path, whatever they carried. */
    hits: (name: string) => catcher.received.filter((r) => r.path === `/push/${name}`).length,
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
