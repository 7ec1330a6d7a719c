import { loadDevstackConfig } from "@kring/config";
import { startServices, findFreePort, type Services } from "@kring/devstack";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// Starts Kring the way `npm start` does — FerretDB and Redis (unless the jest global setup
// already set MONGODB_URI / REDIS_URL), then the server and the worker as `node --import tsx`
// processes — on free ports, in a database and Redis prefix of its own.

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const WEB_DIST = path.join(REPO_ROOT, "apps", "web", "dist");

export type Stack = {
  /** Where the browser opens the app. */
  appUrl: string;
  /** The API server itself (for setup calls from the test). */
  apiUrl: string;
  stop(): Promise<void>;
  logs(): string;
};

type Child = { name: string; process: ChildProcess; output: string[] };

function spawnChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): Child {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { name, process: child, output };
}

async function waitFor(url: string, isReady: (response: Response) => boolean, children: Child[], timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const child of children) {
      if (child.process.exitCode !== null) {
        throw new Error(`${child.name} exited with ${child.process.exitCode}:\n${child.output.join("").slice(-4000)}`);
      }
    }
    try {
      const response = await fetch(url);
      if (isReady(response)) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} was not ready in ${timeoutMs} ms:\n${children.map((c) => c.output.join("").slice(-3000)).join("\n")}`);
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  child.process.kill("SIGTERM");
  const timer = setTimeout(() => child.process.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function startStack(options: { accessTokenTtlSeconds?: number; smtpUrl?: string } = {}): Promise<Stack> {
  if (!existsSync(path.join(WEB_DIST, "index.html"))) {
    throw new Error("apps/web/dist is missing: run `npm run build -w @kring/web` before the e2e tests");
  }
  let services: Services | undefined;
  let dataDir: string | undefined;
  const config = loadDevstackConfig();
  let mongodbUri = config.mongodbUri;
  let redisUrl = config.redisUrl;
  if (!mongodbUri || !redisUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "kring-e2e-"));
    services = await startServices({ repoRoot: REPO_ROOT, dataDir });
    mongodbUri = services.mongodbUri;
    redisUrl = services.redisUrl;
  }
  const dbName = `kring_e2e_${randomBytes(5).toString("hex")}`;
  const url = new URL(mongodbUri);
  url.pathname = `/${dbName}`;
  const port = await findFreePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const tsx = require.resolve("tsx");
  // The launcher hands its own environment on to the processes it starts, as `npm start` does.
  const inherited = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    MONGODB_URI: url.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `ke2e-${dbName.slice(-10)}`,
    JWT_SECRET: randomBytes(32).toString("hex"),
    APP_URL: apiUrl,
    // Several people sign in from one address in these tests.
    AUTH_RATE_PER_MINUTE: "1000",
    ...(options.accessTokenTtlSeconds ? { ACCESS_TOKEN_TTL_SECONDS: String(options.accessTokenTtlSeconds) } : {}),
    // A test's own mail catcher (e2e/account.e2e.ts reads the password reset mail from it).
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
  };
  const children: Child[] = [
    spawnChild("server", process.execPath, ["--import", tsx, "apps/server/src/main.ts"], env),
    spawnChild("worker", process.execPath, ["--import", tsx, "apps/worker/src/main.ts"], env),
  ];
  await waitFor(`${apiUrl}/readyz`, (response) => response.ok, children);

  // Once the server serves apps/web/dist itself (same origin), the browser goes straight to it;
  // until then `vite preview` serves the same build and proxies /api and /socket.io to it.
  let appUrl = apiUrl;
  const home = await fetch(`${apiUrl}/`).catch(() => undefined);
  const servesApp = home?.ok === true && (home.headers.get("content-type") ?? "").includes("text/html");
  if (!servesApp) {
    const previewPort = await findFreePort();
    const vite = path.join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js");
    children.push(
      spawnChild(
        "vite preview",
        process.execPath,
        [vite, "preview", "--port", String(previewPort), "--strictPort", "--host", "127.0.0.1"],
        { ...inherited, KRING_API_ORIGIN: apiUrl },
        path.join(REPO_ROOT, "apps", "web"),
      ),
    );
    appUrl = `http://127.0.0.1:${previewPort}`;
    await waitFor(`${appUrl}/`, (response) => response.ok, children);
  }

  return {
    appUrl,
    apiUrl,
    logs: () => children.map((c) => `--- ${c.name}\n${c.output.join("").slice(-4000)}`).join("\n"),
    async stop() {
      for (const child of [...children].reverse()) await stopChild(child);
      await services?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
