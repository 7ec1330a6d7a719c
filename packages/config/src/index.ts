import { z } from "zod";

// The one place that reads process.env. Everything else receives a typed config object.

const Port = z.coerce.number().int().min(0).max(65535);
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
  SHUTDOWN_GRACE_MS: PositiveInt.default(10_000),
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
  shutdownGraceMs: number;
};

export class ConfigError extends Error {}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
}

/** Parses the server's environment; throws a ConfigError that says which variable to fix. */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = ServerEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Kring server configuration is invalid:\n${formatIssues(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    invitationTtlHours: e.INVITATION_TTL_HOURS,
    corsOrigins: e.CORS_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
    sendRatePerSecond: e.SEND_RATE_PER_SECOND,
    sendBurst: e.SEND_BURST,
    authRatePerMinute: e.AUTH_RATE_PER_MINUTE,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
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
