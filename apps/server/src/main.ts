import { loadServerConfig } from "@kring/config";
import { connectDatabase } from "@kring/db";
import { runMain } from "@kring/wiring";
import { Redis } from "ioredis";
import path from "node:path";
import { createApp } from "./create-app";

// The server process: connect, listen, and on SIGTERM drain (runMain does the rest, for both apps).
runMain({
  name: "server",
  loadConfig: loadServerConfig,
  start: async ({ config, logger }) => {
    const connection = await connectDatabase(config.mongodbUri);
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
    redis.on("error", (error) => logger.warn("redis error", { message: error.message }));

    const webDistDir = path.resolve(__dirname, "..", "..", "web", "dist");
    const kring = await createApp({ config: { ...config, webDistDir }, connection, redis, logger, collectDefaultMetrics: true });
    await new Promise<void>((resolve) => kring.httpServer.listen(config.port, config.host, resolve));
    logger.info("kring server listening", { url: `http://${config.host}:${config.port}` });

    return {
      stop: async () => {
        await kring.close(); // drains: work in flight is finished and acknowledged first
        await connection.close();
        redis.disconnect();
      },
    };
  },
});
