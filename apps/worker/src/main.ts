import { ConfigError, loadWorkerConfig } from "@kring/config";
import { connectDatabase } from "@kring/db";
import { Redis } from "ioredis";
import { createWorkerApp } from "./create-worker";
import { createLogger } from "@kring/logger";

// The worker process: config, connections, the BullMQ workers, and a graceful close on SIGTERM.
async function main() {
  const logger = createLogger();
  process.on("unhandledRejection", (reason) => logger.error("unhandled promise rejection", reason));
  let config;
  try {
    config = loadWorkerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nStart Kring with \`npm start\`, which sets these for you.\n`);
      process.exit(1);
    }
    throw error;
  }
  const connection = await connectDatabase(config.mongodbUri);
  // BullMQ workers block on Redis: they need maxRetriesPerRequest null.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  redis.on("error", (error) => logger.warn("redis error", { message: error.message }));
  const worker = await createWorkerApp({ config, connection, redis, logger });
  logger.info("kring worker running", {
    concurrency: config.concurrency,
    email: config.smtpUrl ? "smtp" : "off (no SMTP_URL)",
    sms: config.smsWebhookUrl ? "webhook" : "off (no SMS_WEBHOOK_URL)",
  });

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info("worker stopping", { signal });
    await worker.close();
    await connection.close();
    redis.disconnect();
    logger.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`Kring worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
