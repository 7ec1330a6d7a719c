import { loadWorkerConfig } from "@kring/config";
import { connectDatabase } from "@kring/db";
import { createMetricsHandler } from "@kring/metrics";
import { runMain } from "@kring/wiring";
import { Redis } from "ioredis";
import http from "node:http";
import { createWorkerApp } from "./create-worker";

// The worker process: connect, run the BullMQ workers, and on SIGTERM let active jobs finish
// (runMain does the rest, for both apps).
runMain({
  name: "worker",
  loadConfig: loadWorkerConfig,
  start: async ({ config, logger }) => {
    const connection = await connectDatabase(config.mongodbUri);
    // BullMQ workers block on Redis: they need maxRetriesPerRequest null.
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    redis.on("error", (error) => logger.warn("redis error", { message: error.message }));
    const worker = await createWorkerApp({ config, connection, redis, logger, collectDefaultMetrics: true });

    // The worker has no HTTP API; with METRICS_TOKEN and METRICS_PORT it serves /metrics on its own port.
    let metricsServer: http.Server | undefined;
    if (config.metricsListen && config.metricsToken) {
      const handleMetrics = createMetricsHandler({ registry: worker.metrics.registry, token: config.metricsToken });
      const server = http.createServer((req, res) => {
        if (req.method === "GET" && req.url?.split("?")[0] === "/metrics") return handleMetrics(req, res);
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "not_found", message: "Only GET /metrics is served here." } }));
      });
      const { host, port } = config.metricsListen;
      await new Promise<void>((resolve) => server.listen(port, host, resolve));
      metricsServer = server;
      logger.info("worker metrics listening", { url: `http://${host}:${port}/metrics` });
    }

    logger.info("kring worker running", {
      concurrency: config.concurrency,
      email: config.smtpUrl ? "smtp" : "off (no SMTP_URL)",
      sms: config.smsWebhookUrl ? "webhook" : "off (no SMS_WEBHOOK_URL)",
    });
    return {
      stop: async () => {
        metricsServer?.close();
        await worker.close(); // BullMQ's close waits for active jobs
        await connection.close();
        redis.disconnect();
      },
    };
  },
});
