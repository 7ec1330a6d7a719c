import { ConfigError, loadServerConfig } from "@kring/config";
import { connectDatabase } from "@kring/db";
import { Redis } from "ioredis";
import path from "node:path";
import { createApp } from "./create-app";
import { createLogger } from "@kring/logger";

// The only file with I/O decisions: read config, connect, listen, drain on SIGTERM.
async function main() {
  const logger = createLogger();
  // A library promise nobody awaited must not take the whole circle's alarm service down;
  // log it loudly instead (Node's default would exit).
  process.on("unhandledRejection", (reason) => logger.error("unhandled promise rejection", reason));
  let config;
  try {
    config = loadServerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nStart Kring with \`npm start\`, which sets these for you.\n`);
      process.exit(1);
    }
    throw error;
  }

  const connection = await connectDatabase(config.mongodbUri);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
  redis.on("error", (error) => logger.warn("redis error", { message: error.message }));

  const webDistDir = path.resolve(__dirname, "..", "..", "web", "dist");
  const kring = await createApp({ config: { ...config, webDistDir }, connection, redis, logger });
  await new Promise<void>((resolve) => kring.httpServer.listen(config.port, config.host, resolve));
  logger.info("kring server listening", { url: `http://${config.host}:${config.port}` });

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info("draining", { signal });
    await kring.close();
    await connection.close();
    redis.disconnect();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`Kring server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
