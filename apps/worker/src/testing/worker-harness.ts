import { loadDevstackConfig } from "@kring/config";
import { connectDatabase } from "@kring/db";
import { createLogger } from "@kring/logger";
import type { TestServer } from "@kring/server/testing";
import { Redis } from "ioredis";
import { createWorkerApp, type WorkerAppConfig } from "../create-worker";
import { testPushTransport } from "./channel-servers";

const testWorkerConfig: Omit<WorkerAppConfig, "redisPrefix"> = {
  notificationAttempts: 3,
  notificationBackoffMs: 50,
  appUrl: "http://localhost:4000",
  vapidSubject: "mailto:test@kring.invalid",
  smtpUrl: undefined,
  mailFrom: "Kring <no-reply@kring.invalid>",
  smsWebhookUrl: undefined,
  smsWebhookToken: undefined,
  concurrency: 20,
};

/** A real worker in this process, on the same database and Redis prefix as `server`. */
export async function startTestWorker(
  server: Pick<TestServer, "dbName" | "redisPrefix">,
  options: { config?: Partial<WorkerAppConfig>; now?: () => Date; mongodbUri?: string } = {},
) {
  const services = loadDevstackConfig();
  if (!services.mongodbUri || !services.redisUrl) throw new Error("run under the jest global setup");
  const connection = await connectDatabase(options.mongodbUri ?? services.mongodbUri, { dbName: server.dbName });
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
  const worker = await createWorkerApp({
    config: { ...testWorkerConfig, redisPrefix: server.redisPrefix, ...options.config },
    connection,
    redis,
    logger: createLogger({ level: "error" }),
    ...(options.now ? { now: options.now } : {}),
    pushTransport: testPushTransport,
  });
  return {
    ...worker,
    connection,
    redis,
    async stop() {
      await worker.close();
      await connection.close();
      redis.disconnect();
    },
  };
}
export type TestWorker = Awaited<ReturnType<typeof startTestWorker>>;
