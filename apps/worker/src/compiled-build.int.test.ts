import { loadDevstackConfig, NODE_PROCESS_FLAGS } from "@kring/config";
import type { ClientToServerEvents, Notification, ServerToClientEvents } from "@kring/protocol";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { io, type Socket } from "socket.io-client";

// The production build (issue #8): the server and the worker compiled to JavaScript and run with
// plain `node dist/main.js`, as the Docker image runs them, pass a smoke test against the real
// database and Redis: ready, one message delivered, one Help paged (server at the raise, worker for the other channels).

const repoRoot = path.resolve(__dirname, "..", "..", "..");
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function build(app: "server" | "worker") {
  execFileSync(process.execPath, [path.join(repoRoot, "scripts/build-node-app.mjs"), "src/main.ts", "dist/main.js"], {
    cwd: path.join(repoRoot, "apps", app),
    stdio: "pipe",
  });
}

function runCompiled(app: "server" | "worker", env: NodeJS.ProcessEnv, readyLine: string): Promise<ChildProcess> {
  // Plain node, no tsx, with the flags production uses (node-flags.test.ts checks the Dockerfile's
  // and package.json's copies): the compiled file must stand on its own.
  const child = spawn(process.execPath, ["--enable-source-maps", ...NODE_PROCESS_FLAGS, path.join(repoRoot, "apps", app, "dist/main.js")], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyLine)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited with ${code}:\n${output}`));
    });
  });
}

async function stopChild(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

describe("the compiled server and worker", () => {
  const children: ChildProcess[] = [];
  const sockets: ClientSocket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(children.map(stopChild));
  });

  it("start with plain node and deliver a message and a Help page", async () => {
    build("server");
    build("worker");
    const services = loadDevstackConfig();
    if (!services.mongodbUri || !services.redisUrl) throw new Error("run under the jest global setup");
    const port = await freePort();
    const metricsPort = await freePort();
    const metricsToken = randomBytes(24).toString("base64url");
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, // eslint-disable-line no-restricted-properties -- a child process needs PATH
      NODE_ENV: "production",
      MONGODB_URI: `${services.mongodbUri}kring_compiled_${randomBytes(4).toString("hex")}`,
      REDIS_URL: services.redisUrl,
      REDIS_PREFIX: `kt-compiled-${randomBytes(4).toString("hex")}`,
      JWT_SECRET: randomBytes(36).toString("base64url"),
      HOST: "127.0.0.1",
      PORT: String(port),
      METRICS_TOKEN: metricsToken,
      METRICS_PORT: String(metricsPort),
    };
    children.push(await runCompiled("server", env, "kring server listening"));
    children.push(await runCompiled("worker", env, "kring worker running"));

    const baseUrl = `http://127.0.0.1:${port}`;
    const call = async (method: string, route: string, body?: unknown, token?: string) => {
      const res = await fetch(`${baseUrl}${route}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    const ready = await call("GET", "/readyz");
    expect(ready).toEqual({ status: 200, body: { status: "ready", checks: { database: true, redis: true } } });
    // The web app is served from the compiled server too (apps/web/dist, built by setup).
    expect((await fetch(`${baseUrl}/`)).headers.get("content-type")).toMatch(/text\/html/);

    const register = async (name: string) =>
      (await call("POST", "/api/auth/register", { email: `${randomBytes(5).toString("hex")}@example.test`, password: "long enough secret", name })).body;
    const sofie = await register("Sofie");
    const marie = await register("Marie");
    const circle = (await call("POST", "/api/circles", { name: "Anna's circle" }, sofie.token)).body.circle;
    const invitation = (await call("POST", `/api/circles/${circle.id}/invitations`, { role: "family" }, sofie.token)).body;
    expect((await call("POST", `/api/invitations/${invitation.code}/accept`, undefined, marie.token)).status).toBe(200);
    const resident = (await call("POST", `/api/circles/${circle.id}/residents`, { name: "Anna" }, sofie.token)).body.member;
    const pairing = (await call("POST", `/api/circles/${circle.id}/residents/${resident.userId}/pairing-codes`, undefined, sofie.token)).body;
    const tablet = (await call("POST", "/api/devices/pair", { code: pairing.code })).body;

    const connect = async (token: string) => {
      const socket: ClientSocket = io(baseUrl, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      return socket;
    };
    const marieSocket = await connect(marie.token);
    const annaSocket = await connect(tablet.token);
    const received: string[] = [];
    const pages: Notification[] = [];
    const lines: string[] = [];
    // A Help leaves a system line in the conversation (issue #9), written by the compiled server too.
    marieSocket.on("message:new", (message) => (message.kind === "system" ? lines : received).push(message.body));
    marieSocket.on("notification", (notification) => pages.push(notification));

    const sent = await annaSocket.emitWithAck("message:send", { circleId: circle.id, clientId: "compiled-1", body: "Goedemorgen" });
    expect(sent).toMatchObject({ ok: true, message: { seq: 1, body: "Goedemorgen" } });
    const raised = await annaSocket.emitWithAck("alert:raise", { circleId: circle.id, kind: "help", clientId: "compiled-help" });
    expect(raised.ok).toBe(true);

    const deadline = Date.now() + 15_000;
    while ((received.length < 1 || pages.length < 1 || lines.length < 1) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(["Goedemorgen"]);
    expect(lines).toEqual(["Anna pressed Help."]);
    // The default ladder pages the family first; the (compiled) server sent it at the raise.
    expect(pages[0]).toMatchObject({ kind: "alert_page", circleId: circle.id, urgent: true });

    // Both processes export Prometheus metrics to whoever holds the token.
    const scrape = async (url: string) =>
      (await fetch(url, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    const serverMetrics = await scrape(`${baseUrl}/metrics`);
    expect(serverMetrics).toMatch(/^kring_socket_event_seconds_count\{event="alert:raise",outcome="ok"\} 1$/m);
    // The first page goes out from the server at the raise.
    expect(serverMetrics).toMatch(/^kring_alert_raise_to_page_seconds_count\{step="0"\} 1$/m);
    // The worker's step 0 (the other channels) runs after the server's page, so wait for it.
    const jobsCompleted = /^kring_jobs_completed_total\{queue="[^"]*alerts"\} \d+$/m;
    let workerMetrics = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    const metricsDeadline = Date.now() + 15_000;
    while (!jobsCompleted.test(workerMetrics) && Date.now() < metricsDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      workerMetrics = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    }
    expect(workerMetrics).toMatch(jobsCompleted);
    expect(workerMetrics).toMatch(/^kring_worker_process_cpu_seconds_total /m);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(401);
  }, 90_000);
});
