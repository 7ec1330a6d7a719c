import path from "node:path";
import { loadDevstackConfig, type DevstackConfig } from "@kring/config";
import { ensureFerretdbBinary, startFerretdb, type FerretdbHandle, type Log } from "./ferretdb.service";
import { redactUrl } from "./managed-process";
import { startRedis, type RedisHandle } from "./redis.service";

export type StartServicesOptions = {
  repoRoot: string;
  /** Embedded data goes to <dataDir>/ferretdb and <dataDir>/redis. */
  dataDir: string;
  log?: Log;
  /** Defaults to loadDevstackConfig(); tests pass their own. */
  config?: DevstackConfig;
  /** See SpawnManagedOptions.detached. */
  detached?: boolean;
};

export type Services = {
  mongodbUri: string;
  redisUrl: string;
  /** Set when the embedded FerretDB was started (not when MONGODB_URI was given). */
  ferretdb: FerretdbHandle | undefined;
  ferretdbBinary: string | undefined;
  /** Set when the embedded Redis was started (not when REDIS_URL was given). */
  redis: RedisHandle | undefined;
  redisBin: string | undefined;
  stop(): Promise<void>;
};

type Started<T> = { value: T; stop(): Promise<void> };

/**
 * MONGODB_URI / REDIS_URL from the config win and nothing is started for them; otherwise the
 * embedded FerretDB and Redis start (in parallel) with their data under dataDir.
 */
export async function startServices(options: StartServicesOptions): Promise<Services> {
  const config = options.config ?? loadDevstackConfig();
  const log = options.log ?? (() => undefined);
  const detached = options.detached ?? false;

  const mongo = async (): Promise<Started<{ uri: string; handle?: FerretdbHandle; binary?: string }>> => {
    if (config.mongodbUri !== undefined) {
      log(`MongoDB: using MONGODB_URI (${redactUrl(config.mongodbUri)})`);
      return { value: { uri: config.mongodbUri }, stop: async () => undefined };
    }
    const binary = await ensureFerretdbBinary({ repoRoot: options.repoRoot, goBin: config.goBin, log });
    const dataDir = path.join(options.dataDir, "ferretdb");
    const started = Date.now();
    const handle = await startFerretdb({
      binary,
      backend: config.ferretdbBackend,
      dataDir,
      postgresqlUrl: config.ferretdbPostgresqlUrl,
      detached,
    });
    const where = config.ferretdbBackend === "sqlite" ? dataDir : redactUrl(config.ferretdbPostgresqlUrl);
    log(`MongoDB: embedded FerretDB (${config.ferretdbBackend}, ${where}) at ${handle.uri} in ${Date.now() - started} ms`);
    return { value: { uri: handle.uri, handle, binary }, stop: handle.stop };
  };

  const redis = async (): Promise<Started<{ url: string; handle?: RedisHandle }>> => {
    if (config.redisUrl !== undefined) {
      log(`Redis: using REDIS_URL (${redactUrl(config.redisUrl)})`);
      return { value: { url: config.redisUrl }, stop: async () => undefined };
    }
    const dir = path.join(options.dataDir, "redis");
    const started = Date.now();
    const handle = await startRedis({ bin: config.redisServerBin, dir, detached });
    log(`Redis: embedded redis-server (${dir}) at ${handle.url} in ${Date.now() - started} ms`);
    return { value: { url: handle.url, handle }, stop: handle.stop };
  };

  const [mongoResult, redisResult] = await Promise.allSettled([mongo(), redis()]);
  if (mongoResult.status === "rejected" || redisResult.status === "rejected") {
    // Do not leave the one that did start running behind a failed launch.
    await Promise.all([mongoResult, redisResult].map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
    const reasons = [mongoResult, redisResult].flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (reasons.length === 1) throw reasons[0];
    throw new Error(reasons.map((r) => (r instanceof Error ? r.message : String(r))).join("\n\n"));
  }

  let stopping: Promise<void> | undefined;
  return {
    mongodbUri: mongoResult.value.value.uri,
    redisUrl: redisResult.value.value.url,
    ferretdb: mongoResult.value.value.handle,
    ferretdbBinary: mongoResult.value.value.binary,
    redis: redisResult.value.value.handle,
    redisBin: redisResult.value.value.handle !== undefined ? config.redisServerBin : undefined,
    stop: () => {
      stopping ??= Promise.all([mongoResult.value.stop(), redisResult.value.stop()]).then(() => undefined);
      return stopping;
    },
  };
}
