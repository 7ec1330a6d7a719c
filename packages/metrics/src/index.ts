import { createHash, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Prometheus metrics for operators (prom-client). Each process has its own registry, so tests and
 * two apps in one process never share counters. No label ever carries a person, a circle or a
 * message: only event names, queue names and outcome codes, all from fixed lists.
 */

// Seconds. Most acks take a few ms; the work gate answers `unavailable` at ~2 s.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type ServerMetrics = ReturnType<typeof createServerMetrics>;

export function createServerMetrics(options: { collectDefaults?: boolean } = {}) {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry, prefix: "kring_server_" });
  return {
    registry,
    socketsConnected: new Gauge({
      name: "kring_sockets_connected",
      help: "Sockets connected to this server node.",
      registers: [registry],
    }),
    socketEventSeconds: new Histogram({
      name: "kring_socket_event_seconds",
      help: "Time from a socket event's arrival to its ack (message:send is send→ack), by event and outcome.",
      labelNames: ["event", "outcome"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    raiseToPageSeconds: new Histogram({
      name: "kring_alert_raise_to_page_seconds",
      help: "Time from a Help alert's raise to the first responder's in-app page, sent by the server at the raise (step 0).",
      labelNames: ["step"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: "kring_queue_jobs",
      help: "Jobs per queue and state, read from Redis when scraped.",
      labelNames: ["queue", "state"] as const,
      registers: [registry],
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

export function createWorkerMetrics(options: { collectDefaults?: boolean } = {}) {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry, prefix: "kring_worker_" });
  return {
    registry,
    raiseToPageSeconds: new Histogram({
      name: "kring_alert_raise_to_page_seconds",
      help: "Time from a Help alert's raise to each ladder step's in-app page, by step (0 = first responders).",
      labelNames: ["step"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    jobsCompleted: new Counter({
      name: "kring_jobs_completed_total",
      help: "Jobs this worker finished, by queue.",
      labelNames: ["queue"] as const,
      registers: [registry],
    }),
    jobsFailed: new Counter({
      name: "kring_jobs_failed_total",
      help: "Job attempts that failed (retried or dead-lettered), by queue.",
      labelNames: ["queue"] as const,
      registers: [registry],
    }),
  };
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * The `/metrics` endpoint as a plain Node handler (the server mounts it in express, the worker
 * serves it on its own port). It answers only to `Authorization: Bearer <token>`; `beforeScrape`
 * refreshes gauges that are read on demand (queue depths).
 */
export function createMetricsHandler(options: {
  registry: Registry;
  token: string;
  beforeScrape?: () => Promise<void>;
}): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const expected = digest(options.token);
  return (req, res) => {
    const header = req.headers.authorization;
    const presented = typeof header === "string" && header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    // Digests of equal length, so the comparison takes the same time whatever was sent.
    if (!timingSafeEqual(digest(presented), expected)) {
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" });
      res.end(JSON.stringify({ error: { code: "unauthorized", message: "Send Authorization: Bearer <METRICS_TOKEN>." } }));
      return;
    }
    void (async () => {
      try {
        await options.beforeScrape?.();
        const body = await options.registry.metrics();
        res.writeHead(200, { "content-type": options.registry.contentType });
        res.end(body);
      } catch (error) {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "unavailable", message: `Metrics could not be read: ${String(error)}` } }));
      }
    })();
  };
}
