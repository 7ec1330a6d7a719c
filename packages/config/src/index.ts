import { z } from "zod";

// The one place that reads process.env. Everything else receives a typed config object.

const Port = z.coerce.number().int().min(0).max(65535);
const RateLimitOverrides = z.record(
  z.string().regex(/^[a-z-]{1,40}$/),
  z.strictObject({ points: z.number().int().positive(), windowSeconds: z.number().int().positive() }),
);
const PositiveInt = z.coerce.number().int().positive();

const ServerEnv = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().default("127.0.0.1"),
  PORT: Port.default(4000),
  MONGODB_URI: z.string().min(1, "MONGODB_URI is required: the launcher sets it, or point it at your MongoDB"),
  REDIS_URL: z.string().min(1, "REDIS_URL is required: the launcher sets it, or point it at your Redis"),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters"),
  ACCESS_TOKEN_TTL_SECONDS: PositiveInt.default(900),
  INVITATION_TTL_HOURS: PositiveInt.default(24 * 7),
  /** Comma-separated origins allowed to call the API from a browser; empty means same origin only. */
  CORS_ORIGINS: z.string().default(""),
  SEND_RATE_PER_SECOND: PositiveInt.default(10),
  SEND_BURST: PositiveInt.default(30),
  /** Requests per minute per IP on the login/register endpoints. */
  AUTH_RATE_PER_MINUTE: PositiveInt.default(30),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate limits): "false" (none,
   * the default), a hop count ("1"), or comma-separated addresses/subnets ("10.0.0.0/8,loopback").
   */
  TRUST_PROXY: z.string().default("false"),
  /** Bearer token for operator endpoints (queue health); unset means they don't exist. */
  OPERATOR_TOKEN: z.string().min(24, "OPERATOR_TOKEN must be at least 24 characters").optional(),
  /** Open sockets per account across all nodes; the next one is refused until one closes. */
  MAX_SOCKETS_PER_USER: PositiveInt.default(10),
  /**
   * Other sizes for named limits, as JSON: `{"alert-raise": {"points": 10, "windowSeconds": 60}}`
   * (names in packages/redis/src/rate-limits.ts). For operators who must tune one, and load tests.
   */
  RATE_LIMITS: z
    .string()
    .default("{}")
    .transform((text, context) => {
      const parsed = RateLimitOverrides.safeParse((() => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return undefined;
        }
      })());
      if (!parsed.success) {
        context.addIssue({ code: "custom", message: 'must be JSON like {"alert-raise": {"points": 10, "windowSeconds": 60}}' });
        return z.NEVER;
      }
      return parsed.data;
    }),
  SHUTDOWN_GRACE_MS: PositiveInt.default(10_000),
  /** Socket events (sends, raises, syncs…) one server node works on at once; more are refused at once. */
  MAX_IN_FLIGHT: PositiveInt.default(256),
  /** Once a node is half full: sends of one circle it works on at once (they are stored one after another anyway). */
  MAX_IN_FLIGHT_PER_CIRCLE: PositiveInt.default(8),
  /** A socket event not done within this is answered `unavailable` (the client resends; idempotent). */
  WORK_DEADLINE_MS: PositiveInt.default(2000),
  /** The wait suggested with `unavailable` (the answer carries this to twice this, jittered). */
  RETRY_AFTER_MS: PositiveInt.default(1000),
  /** Prefix of every Redis key Kring writes (queues, Socket.IO adapter, presence). */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).default("kring"),
  NOTIFICATION_ATTEMPTS: PositiveInt.default(6),
  NOTIFICATION_BACKOFF_MS: PositiveInt.default(2000),
  /** Public URL of the app, used in emails. */
  APP_URL: z.string().url().default("http://localhost:4000"),
  /** Contact for push services (VAPID `sub`): a mailto: or https: URL. */
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:)/).default("mailto:admin@kring.invalid"),
  /** At most one "new messages" digest per member, circle and window. */
  DIGEST_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  /** Bearer token for Prometheus' scrapes of `/metrics`; unset means no metrics endpoint. */
  METRICS_TOKEN: z.string().min(24, "METRICS_TOKEN must be at least 24 characters").optional(),
});

export type ServerConfig = {
  env: "development" | "test" | "production";
  host: string;
  port: number;
  mongodbUri: string;
  redisUrl: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  invitationTtlHours: number;
  corsOrigins: string[];
  sendRatePerSecond: number;
  sendBurst: number;
  authRatePerMinute: number;
  /** Express's `trust proxy` setting, parsed from TRUST_PROXY. */
  trustProxy: boolean | number | string[];
  operatorToken: string | undefined;
  maxSocketsPerUser: number;
  rateLimitOverrides: Record<string, { points: number; windowSeconds: number }>;
  shutdownGraceMs: number;
  maxInFlight: number;
  maxInFlightPerCircle: number;
  workDeadlineMs: number;
  retryAfterMs: number;
  redisPrefix: string;
  notificationAttempts: number;
  notificationBackoffMs: number;
  appUrl: string;
  vapidSubject: string;
  digestWindowMs: number;
  metricsToken: string | undefined;
};

export class ConfigError extends Error {}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
}

/** The settings the server and the worker share (database, Redis, queues, links). */
function sharedSettings(e: z.infer<typeof ServerEnv> | z.infer<typeof WorkerEnv>) {
  return {
    env: e.NODE_ENV,
    mongodbUri: e.MONGODB_URI,
    redisUrl: e.REDIS_URL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    redisPrefix: e.REDIS_PREFIX,
    notificationAttempts: e.NOTIFICATION_ATTEMPTS,
    notificationBackoffMs: e.NOTIFICATION_BACKOFF_MS,
    appUrl: e.APP_URL,
    vapidSubject: e.VAPID_SUBJECT,
    metricsToken: e.METRICS_TOKEN || undefined,
  };
}

/** TRUST_PROXY → express's `trust proxy`: false, a hop count, or a list of addresses/subnets. */
export function parseTrustProxy(value: string): boolean | number | string[] {
  const text = value.trim().toLowerCase();
  if (text === "" || text === "false" || text === "0") return false;
  if (/^\d+$/.test(text)) return Number(text);
  return text.split(",").map((part) => part.trim()).filter(Boolean);
}

/** Parses the server's environment; throws a ConfigError that says which variable to fix. */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = ServerEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Kring server configuration is invalid:\n${formatIssues(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    ...sharedSettings(e),
    host: e.HOST,
    port: e.PORT,
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    invitationTtlHours: e.INVITATION_TTL_HOURS,
    corsOrigins: e.CORS_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
    sendRatePerSecond: e.SEND_RATE_PER_SECOND,
    sendBurst: e.SEND_BURST,
    authRatePerMinute: e.AUTH_RATE_PER_MINUTE,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    operatorToken: e.OPERATOR_TOKEN || undefined,
    maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
    rateLimitOverrides: e.RATE_LIMITS,
    maxInFlight: e.MAX_IN_FLIGHT,
    maxInFlightPerCircle: e.MAX_IN_FLIGHT_PER_CIRCLE,
    workDeadlineMs: e.WORK_DEADLINE_MS,
    retryAfterMs: e.RETRY_AFTER_MS,
    digestWindowMs: e.DIGEST_WINDOW_MINUTES * 60_000,
  };
}

const WorkerEnv = ServerEnv.omit({
  HOST: true,
  PORT: true,
  JWT_SECRET: true,
  TRUST_PROXY: true,
  OPERATOR_TOKEN: true,
  MAX_SOCKETS_PER_USER: true,
  RATE_LIMITS: true,
  MAX_IN_FLIGHT: true,
  MAX_IN_FLIGHT_PER_CIRCLE: true,
  WORK_DEADLINE_MS: true,
  RETRY_AFTER_MS: true,
}).extend({
  /** smtp://user:pass@host:port; unset means no email channel (`npm start` sets a local catcher). */
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Kring <no-reply@kring.invalid>"),
  /** The SMS provider adapter: Kring POSTs {to, text, id} as JSON with this bearer token. */
  SMS_WEBHOOK_URL: z.string().url().optional(),
  SMS_WEBHOOK_TOKEN: z.string().optional(),
  WORKER_CONCURRENCY: PositiveInt.default(50),
  /** Port of the worker's own `/metrics` listener (with METRICS_TOKEN); unset means none. */
  METRICS_PORT: Port.optional(),
  METRICS_HOST: z.string().default("127.0.0.1"),
});

export type WorkerConfig = Omit<
  ServerConfig,
  | "host"
  | "port"
  | "jwtSecret"
  | "corsOrigins"
  | "sendRatePerSecond"
  | "sendBurst"
  | "authRatePerMinute"
  | "trustProxy"
  | "operatorToken"
  | "maxSocketsPerUser"
  | "rateLimitOverrides"
  | "accessTokenTtlSeconds"
  | "invitationTtlHours"
  | "digestWindowMs"
  | "maxInFlight"
  | "maxInFlightPerCircle"
  | "workDeadlineMs"
  | "retryAfterMs"
> & {
  smtpUrl: string | undefined;
  mailFrom: string;
  smsWebhookUrl: string | undefined;
  smsWebhookToken: string | undefined;
  concurrency: number;
  /** Where the worker serves `/metrics`, when METRICS_TOKEN and METRICS_PORT are both set. */
  metricsListen: { host: string; port: number } | undefined;
};

/** Parses the worker's environment (the server's database, Redis and queue settings, plus channels). */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Kring worker configuration is invalid:\n${formatIssues(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    ...sharedSettings(e),
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    smsWebhookUrl: e.SMS_WEBHOOK_URL || undefined,
    smsWebhookToken: e.SMS_WEBHOOK_TOKEN || undefined,
    concurrency: e.WORKER_CONCURRENCY,
    metricsListen: e.METRICS_TOKEN && e.METRICS_PORT !== undefined ? { host: e.METRICS_HOST, port: e.METRICS_PORT } : undefined,
  };
}

const DevstackEnv = z.object({
  MONGODB_URI: z.string().optional(),
  REDIS_URL: z.string().optional(),
  KRING_DATA_DIR: z.string().optional(),
  /** sqlite (default) or postgresql: which backend the embedded FerretDB uses. */
  FERRETDB_BACKEND: z.enum(["sqlite", "postgresql"]).default("sqlite"),
  FERRETDB_POSTGRESQL_URL: z.string().default("postgres://postgres@127.0.0.1:5432/kring"),
  REDIS_SERVER_BIN: z.string().default("redis-server"),
  GO_BIN: z.string().default("go"),
  CI: z.string().optional(),
  /** Set by the jest global setup: the FerretDB binary it built, for tests that restart the database. */
  KRING_TEST_FERRETDB_BINARY: z.string().optional(),
});

export type DevstackConfig = {
  mongodbUri: string | undefined;
  redisUrl: string | undefined;
  dataDir: string | undefined;
  ferretdbBackend: "sqlite" | "postgresql";
  ferretdbPostgresqlUrl: string;
  redisServerBin: string;
  goBin: string;
  isCi: boolean;
  testFerretdbBinary: string | undefined;
};

/** Parses what the local services launcher needs. */
export function loadDevstackConfig(env: NodeJS.ProcessEnv = process.env): DevstackConfig {
  const parsed = DevstackEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Kring launcher configuration is invalid:\n${formatIssues(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    mongodbUri: e.MONGODB_URI || undefined,
    redisUrl: e.REDIS_URL || undefined,
    dataDir: e.KRING_DATA_DIR || undefined,
    ferretdbBackend: e.FERRETDB_BACKEND,
    ferretdbPostgresqlUrl: e.FERRETDB_POSTGRESQL_URL,
    redisServerBin: e.REDIS_SERVER_BIN,
    goBin: e.GO_BIN,
    isCi: Boolean(e.CI),
    testFerretdbBinary: e.KRING_TEST_FERRETDB_BINARY || undefined,
  };
}

/**
 * Node (V8) flags for the server and worker processes, wherever they run: `npm start`, the Docker
 * image and docker-compose.yml, the apps' `npm start`, and the benches (which measure what runs).
 * V8 takes them only on the command line (NODE_OPTIONS refuses them), so the Dockerfile,
 * docker-compose.yml and the apps' package.json repeat them; keep the copies equal.
 *
 * A Help is pressed hours after its tablet connected. By then V8 has shrunk the quiet process's heap
 * (the server's from 152 to 64 MB within 130 s, through its "memory reducer"), and the wave of
 * raises that follows ran with about five times the garbage collections of a warm process:
 * 200 raises within 1 s after 130 s idle had p99 raise→first page 238-337 ms, against 150-206 ms
 * with these flags (docs/performance.md, "A quiet process's heap"). The cost is memory a quiet
 * process keeps: a young generation of at least 16 MB per semi-space, and no shrinking while idle.
 */
export const NODE_PROCESS_FLAGS: readonly string[] = ["--no-memory-reducer", "--min-semi-space-size=16"];
