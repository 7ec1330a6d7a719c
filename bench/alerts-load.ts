import type { AlertAck, Notification } from "@kring/protocol";
import { randomBytes } from "node:crypto";
import type { Socket } from "socket.io-client";
import type { AlertsOptions } from "./alerts-options";
import { type AlertsCircle, BENCH_OPERATOR_TOKEN, type BenchUser, type Http } from "./alerts-target";
import { connectOne } from "./load-client";
import { type CpuWindow, startCpuWindow } from "./proc-stats";
import { type LatencySummary, mapLimit, progressEvery10, Samples, sleep } from "./stats";

type Log = (line: string) => void;

type Role = "coordinator" | "family1" | "family2" | "resident";
const ROLES: readonly Role[] = ["coordinator", "family1", "family2", "resident"];

export type AlertSockets = {
  /** byCircle[circle][role]; undefined where the socket failed to connect. */
  byCircle: Array<Partial<Record<Role, Socket>>>;
  expected: number;
  connected: number;
  failures: Record<string, number>;
  seconds: number;
  disconnects: { count: number; reasons: Record<string, number> };
};

const ACK_TIMEOUT_MS = 60_000;
const TICK_MS = 2;
const HEALTH_POLL_MS = 250;
const PROGRESS_EVERY_MS = 2_000;
/** Resolving is clean-up, not measured: after this long the rest are left to run out their ladder. */
const RESOLVE_BUDGET_MS = 60_000;

const userOf = (circle: AlertsCircle, role: Role): BenchUser =>
  role === "coordinator" ? circle.coordinator : role === "family1" ? circle.family[0] : role === "family2" ? circle.family[1] : circle.resident;

export async function connectAlertSockets(url: string, circles: AlertsCircle[], concurrency: number, log: Log): Promise<AlertSockets> {
  const started = performance.now();
  const slots = circles.flatMap((circle, circleIndex) => ROLES.map((role) => ({ circleIndex, role, token: userOf(circle, role).token })));
  const byCircle: AlertSockets["byCircle"] = circles.map(() => ({}));
  const failures: Record<string, number> = {};
  const disconnects: AlertSockets["disconnects"] = { count: 0, reasons: {} };
  let connected = 0;
  log(`Kring: connecting ${slots.length} sockets (one per user, ${concurrency} at a time)`);
  await mapLimit(
    slots,
    concurrency,
    async (slot) => {
      try {
        const socket = await connectOne(url, slot.token);
        socket.on("disconnect", (reason: string) => {
          disconnects.count += 1;
          disconnects.reasons[reason] = (disconnects.reasons[reason] ?? 0) + 1;
        });
        byCircle[slot.circleIndex]![slot.role] = socket;
        connected += 1;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    },
    progressEvery10("Kring: sockets attempted", slots.length, log),
  );
  const seconds = (performance.now() - started) / 1000;
  log(`Kring: ${connected}/${slots.length} sockets connected in ${seconds.toFixed(1)} s`);
  return { byCircle, expected: slots.length, connected, failures, seconds, disconnects };
}

export function closeAlertSockets(sockets: AlertSockets) {
  for (const row of sockets.byCircle) for (const socket of Object.values(row)) socket?.disconnect();
}

type QueueCounts = Record<string, { waiting: number; active: number; delayed: number; failed: number; completed: number }>;

/** Queue counts, or undefined if the server doesn't answer within 3 s (a slow poll must not stall the wave-1 loop). */
async function readQueues(http: Http, token: string): Promise<QueueCounts | undefined> {
  try {
    const res = await Promise.race([
      http<{ queues: QueueCounts }>("GET", "/api/queues/health", undefined, token),
      sleep(3000).then(() => undefined),
    ]);
    return res?.status === 200 ? res.body.queues : undefined;
  } catch {
    return undefined;
  }
}

const NOTIFICATIONS = "kring-notifications";
const ALERTS = "kring-alerts";

type Arrival = { perfMs: number; wallMs: number; workerAtMs: number };
type Tracked = {
  k: number;
  circleIndex: number;
  raisedAt?: number;
  ackedAt?: number;
  alertId?: string;
  createdAtMs?: number;
};

export type AlertsResult = {
  scheduled: number;
  raised: number;
  /** Scheduled raises skipped because the resident's socket was not connected. */
  skipped: number;
  raiseWindowMs: number;
  acked: number;
  ackErrors: Record<string, number>;
  noAck: number;
  ack: LatencySummary;
  firstPage: LatencySummary;
  firstPagesReceived: number;
  /** First-step pages measured from the stored createdAt (the deadline of step 0 is "at once"). */
  step0Lateness: LatencySummary;
  step0LatenessMin: number;
  secondPagesReceived: number;
  /** Second-step page received on family 2's socket minus (createdAt + stepSeconds). */
  step1Lateness: LatencySummary;
  /** The earliest second page against its deadline (negative: before it). */
  step1LatenessMin: number;
  /** The same, with the worker's own `at` in the notification instead of the arrival time. */
  step1WorkerLateness: LatencySummary;
  duplicatePages: number;
  /** Pages to the wrong person for the step, or to a resident. */
  misdirected: number;
  unansweredPages: number;
  otherNotifications: number;
  wave1: {
    /** False when step 2 came due before every first page was in and the queue idle (then the figures are up to that moment). */
    isComplete: boolean;
    /** First raise to the last first page received on a socket. */
    firstPagesSeconds: number;
    inAppPagesPerSecond: number;
    /** kring-notifications completed between before the first raise and the first poll that saw the queue idle. */
    notificationJobsCompleted: number | undefined;
    /** First raise to the poll that saw the queue idle (±HEALTH_POLL_MS). */
    notificationJobsSeconds: number | undefined;
    notificationJobsPerSecond: number | undefined;
    cpu: CpuWindow;
  };
  whole: {
    notificationJobsCompleted: number | undefined;
    escalationJobsCompleted: number | undefined;
    failedNotificationJobs: number | undefined;
    failedEscalationJobs: number | undefined;
    cpu: CpuWindow;
  };
  resolved: number;
  resolveErrors: Record<string, number>;
  disconnectsDuringLoad: number;
};

const countInto = (record: Record<string, number>, key: string) => {
  record[key] = (record[key] ?? 0) + 1;
};

/**
 * Raises every alert within spreadMs from the residents' sockets, then watches family 1's
 * sockets for the first page and family 2's for the second, and finally resolves every alert
 * so nothing keeps paging after the run.
 */
export async function runAlertsLoad(input: {
  http: Http;
  circles: AlertsCircle[];
  sockets: AlertSockets;
  options: AlertsOptions;
  pids: Record<string, number | undefined>;
  log: Log;
}): Promise<AlertsResult> {
  const { http, circles, sockets, options, log } = input;
  const stepMs = options.stepSeconds * 1000;
  const runId = randomBytes(4).toString("hex");
  const disconnectsBefore = sockets.disconnects.count;
  const tracked: Tracked[] = Array.from({ length: options.alerts }, (_, k) => ({ k, circleIndex: k % circles.length }));
  const byAlertId = new Map<string, Tracked>();
  const firstPages = new Map<string, Arrival>();
  const secondPages = new Map<string, Arrival>();
  const ackErrors: Record<string, number> = {};
  let duplicatePages = 0;
  let misdirected = 0;
  let unansweredPages = 0;
  let otherNotifications = 0;
  let lastFirstPageAt = 0;
  let isClosed = false;

  // Sockets of the circle's family, to tell which step a page belongs to.
  const onNotification = (role: Role) => (notification: Notification) => {
    if (isClosed) return;
    const arrival: Arrival = { perfMs: performance.now(), wallMs: Date.now(), workerAtMs: Date.parse(notification.at) };
    if (notification.kind === "alert_unanswered") {
      unansweredPages += 1;
      if (role !== "coordinator") misdirected += 1;
      return;
    }
    if (notification.kind !== "alert_page" || !notification.alertId) {
      otherNotifications += 1;
      return;
    }
    const pages = role === "family1" ? firstPages : role === "family2" ? secondPages : undefined;
    if (!pages) {
      misdirected += 1;
      return;
    }
    if (pages.has(notification.alertId)) {
      duplicatePages += 1;
      return;
    }
    pages.set(notification.alertId, arrival);
    if (role === "family1") lastFirstPageAt = arrival.perfMs;
  };
  const handlers: Array<[Socket, (n: Notification) => void]> = [];
  for (const row of sockets.byCircle) {
    for (const role of ROLES) {
      const socket = row[role];
      if (!socket) continue;
      const handler = onNotification(role);
      socket.on("notification", handler);
      handlers.push([socket, handler]);
    }
  }

  const queuesBefore = await readQueues(http, BENCH_OPERATOR_TOKEN);
  if (!queuesBefore) log("Kring: could not read /api/queues/health before the load; job counts will be missing");

  let raised = 0;
  let skipped = 0;
  let acked = 0;
  let pendingAcks = 0;
  const ackSamples = new Samples();
  const raise = (t: Tracked) => {
    const socket = sockets.byCircle[t.circleIndex]?.resident;
    if (!socket?.connected) {
      skipped += 1;
      return;
    }
    raised += 1;
    pendingAcks += 1;
    t.raisedAt = performance.now();
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emit("alert:raise", { circleId: circles[t.circleIndex]!.circleId, kind: "help", clientId: `${runId}-${t.k}` }, (error: Error | null, response: AlertAck) => {
        pendingAcks -= 1;
        if (error) {
          countInto(ackErrors, "no_ack_in_60s");
          return;
        }
        if (!response.ok) {
          countInto(ackErrors, response.error?.code ?? "malformed_ack");
          return;
        }
        t.ackedAt = performance.now();
        acked += 1;
        ackSamples.add(t.ackedAt - t.raisedAt!);
        t.alertId = response.alert.id;
        t.createdAtMs = Date.parse(response.alert.createdAt);
        byAlertId.set(t.alertId, t);
      });
  };

  log(
    `Kring: raising ${options.alerts} Help alerts from ${circles.length} residents over ${options.spreadMs} ms ` +
      `(ladder: family 1 at once, family 2 after ${options.stepSeconds} s)`,
  );
  const wave1Cpu = startCpuWindow(input.pids);
  const wholeCpu = startCpuWindow(input.pids);
  const t0 = performance.now();
  const intervalMs = options.spreadMs / options.alerts;
  let next = 0;
  if (options.spreadMs === 0) {
    for (const t of tracked) raise(t);
    next = tracked.length;
  } else {
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(tracked.length, Math.floor((performance.now() - t0) / intervalMs) + 1);
        for (; next < due; next += 1) raise(tracked[next]!);
        if (next >= tracked.length) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
  }
  const lastRaiseAt = performance.now();
  log(`Kring: ${raised} raises emitted in ${(lastRaiseAt - t0).toFixed(0)} ms${skipped ? ` (${skipped} skipped: resident not connected)` : ""}`);

  // Wave 1: every first page in, and the notifications queue idle (push and email jobs are skipped quickly but still run).
  const firstPagesDue = () => {
    let missing = 0;
    for (const t of tracked) if (t.alertId && !firstPages.has(t.alertId)) missing += 1;
    return missing;
  };
  let notificationJobsCompleted: number | undefined;
  let notificationJobsSeconds: number | undefined;
  let isWave1Complete = true;
  let nextProgressAt = performance.now() + PROGRESS_EVERY_MS;
  const wave1Until = t0 + stepMs - 250;
  for (;;) {
    const polledAt = performance.now();
    const now = await readQueues(http, BENCH_OPERATOR_TOKEN);
    const notifications = now?.[NOTIFICATIONS];
    const isIdle = notifications !== undefined && notifications.waiting + notifications.active === 0;
    if (pendingAcks === 0 && firstPagesDue() === 0 && isIdle) {
      if (queuesBefore?.[NOTIFICATIONS]) {
        notificationJobsCompleted = notifications.completed - queuesBefore[NOTIFICATIONS].completed;
        notificationJobsSeconds = (polledAt - t0) / 1000;
      }
      break;
    }
    if (performance.now() >= nextProgressAt) {
      nextProgressAt += PROGRESS_EVERY_MS;
      log(
        `Kring: t=${((performance.now() - t0) / 1000).toFixed(1)}s acked ${acked}/${raised}, first pages ${firstPages.size}, ` +
          `notifications queue waiting ${notifications?.waiting ?? "?"} active ${notifications?.active ?? "?"} completed +${
            notifications && queuesBefore?.[NOTIFICATIONS] ? notifications.completed - queuesBefore[NOTIFICATIONS].completed : "?"
          }`,
      );
    }
    if (performance.now() >= wave1Until) {
      log(`Kring: wave 1 not finished before step 2 was due (${firstPagesDue()} first pages missing, ${pendingAcks} acks pending)`);
      // The rate so far, from this last poll: a lower bound on what the worker could do alone.
      if (notifications && queuesBefore?.[NOTIFICATIONS]) {
        notificationJobsCompleted = notifications.completed - queuesBefore[NOTIFICATIONS].completed;
        notificationJobsSeconds = (polledAt - t0) / 1000;
      }
      isWave1Complete = false;
      break;
    }
    await sleep(Math.max(0, HEALTH_POLL_MS - (performance.now() - polledAt)));
  }
  const wave1CpuResult = wave1Cpu.finish();
  const firstPagesSeconds = (lastFirstPageAt - t0) / 1000;
  log(
    `Kring: wave 1: ${firstPages.size} first pages in ${firstPagesSeconds.toFixed(2)} s; ` +
      `notification jobs completed ${notificationJobsCompleted ?? "?"} by ${notificationJobsSeconds?.toFixed(2) ?? "?"} s; ` +
      `worker CPU ${wave1CpuResult.perProcessPercent.worker?.toFixed(0) ?? "?"}%`,
  );

  // Step 2: family 2's pages, due at createdAt + stepSeconds. Bounded: whatever is not in 30 s after that is missing.
  const secondUntil = lastRaiseAt + stepMs + 30_000;
  const secondPagesDue = () => {
    let missing = 0;
    for (const t of tracked) if (t.alertId && !secondPages.has(t.alertId)) missing += 1;
    return missing;
  };
  log(`Kring: waiting for the second step (due ${options.stepSeconds} s after each raise)`);
  nextProgressAt = performance.now() + PROGRESS_EVERY_MS;
  while (performance.now() < secondUntil && (pendingAcks > 0 || secondPagesDue() > 0)) {
    if (performance.now() >= nextProgressAt) {
      nextProgressAt += PROGRESS_EVERY_MS;
      log(`Kring: t=${((performance.now() - t0) / 1000).toFixed(1)}s second pages ${secondPages.size}/${acked}`);
    }
    await sleep(20);
  }
  log(`Kring: ${secondPages.size}/${acked} second pages received by t=${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const wholeCpuResult = wholeCpu.finish();

  // Resolve everything (the resident may; any member may) so the ladder stops here.
  const toResolve = tracked.filter((t) => t.alertId !== undefined);
  const resolveErrors: Record<string, number> = {};
  let resolved = 0;
  const resolveStarted = performance.now();
  const resolveUntil = performance.now() + RESOLVE_BUDGET_MS;
  let resolveSkipped = 0;
  await mapLimit(toResolve, 50, async (t) => {
    if (performance.now() >= resolveUntil) {
      resolveSkipped += 1;
      return;
    }
    const socket = sockets.byCircle[t.circleIndex]?.resident;
    if (!socket?.connected) {
      countInto(resolveErrors, "resident_not_connected");
      return;
    }
    try {
      const response = (await socket.timeout(30_000).emitWithAck("alert:resolve", { alertId: t.alertId!, note: "bench" })) as AlertAck;
      if (response.ok) resolved += 1;
      else countInto(resolveErrors, response.error?.code ?? "malformed_ack");
    } catch {
      countInto(resolveErrors, "no_ack_in_30s");
    }
  });
  if (resolveSkipped > 0) resolveErrors[`not_attempted_after_${RESOLVE_BUDGET_MS / 1000}s`] = resolveSkipped;
  log(`Kring: resolved ${resolved}/${toResolve.length} alerts in ${((performance.now() - resolveStarted) / 1000).toFixed(1)} s`);

  // Let the queues settle (pages queued before a resolve are dropped by the worker, quickly).
  let queuesAfter: QueueCounts | undefined;
  const settleUntil = performance.now() + 20_000;
  for (;;) {
    queuesAfter = await readQueues(http, BENCH_OPERATOR_TOKEN);
    const busy = queuesAfter ? Object.values(queuesAfter).reduce((sum, q) => sum + q.waiting + q.active, 0) : Infinity;
    if (busy === 0 || performance.now() >= settleUntil) break;
    await sleep(HEALTH_POLL_MS);
  }
  isClosed = true;
  for (const [socket, handler] of handlers) socket.off("notification", handler);

  const firstPage = new Samples();
  const step0Lateness = new Samples();
  const step1Lateness = new Samples();
  const step1WorkerLateness = new Samples();
  let step0LatenessMin = NaN;
  let step1LatenessMin = NaN;
  const minOf = (current: number, value: number) => (Number.isNaN(current) ? value : Math.min(current, value));
  for (const t of tracked) {
    if (!t.alertId || t.raisedAt === undefined || t.createdAtMs === undefined) continue;
    const first = firstPages.get(t.alertId);
    if (first) {
      firstPage.add(first.perfMs - t.raisedAt);
      step0Lateness.add(first.wallMs - t.createdAtMs);
      step0LatenessMin = minOf(step0LatenessMin, first.wallMs - t.createdAtMs);
    }
    const second = secondPages.get(t.alertId);
    if (second) {
      const deadline = t.createdAtMs + stepMs;
      step1Lateness.add(second.wallMs - deadline);
      step1LatenessMin = minOf(step1LatenessMin, second.wallMs - deadline);
      step1WorkerLateness.add(second.workerAtMs - deadline);
    }
  }
  // Pages for alerts whose ack never came can't be timed; they are counted as received all the same.
  const delta = (queue: string, field: "completed" | "failed") =>
    queuesBefore?.[queue] && queuesAfter?.[queue] ? queuesAfter[queue][field] - queuesBefore[queue][field] : undefined;
  const ackErrorCount = Object.values(ackErrors).reduce((sum, n) => sum + n, 0);
  return {
    scheduled: options.alerts,
    raised,
    skipped,
    raiseWindowMs: lastRaiseAt - t0,
    acked,
    ackErrors,
    noAck: raised - acked - ackErrorCount,
    ack: ackSamples.summary(),
    firstPage: firstPage.summary(),
    firstPagesReceived: firstPages.size,
    step0Lateness: step0Lateness.summary(),
    step0LatenessMin,
    secondPagesReceived: secondPages.size,
    step1Lateness: step1Lateness.summary(),
    step1LatenessMin,
    step1WorkerLateness: step1WorkerLateness.summary(),
    duplicatePages,
    misdirected,
    unansweredPages,
    otherNotifications,
    wave1: {
      isComplete: isWave1Complete,
      firstPagesSeconds,
      inAppPagesPerSecond: firstPagesSeconds > 0 ? firstPages.size / firstPagesSeconds : NaN,
      notificationJobsCompleted,
      notificationJobsSeconds,
      notificationJobsPerSecond:
        notificationJobsCompleted !== undefined && notificationJobsSeconds ? notificationJobsCompleted / notificationJobsSeconds : undefined,
      cpu: wave1CpuResult,
    },
    whole: {
      notificationJobsCompleted: delta(NOTIFICATIONS, "completed"),
      escalationJobsCompleted: delta(ALERTS, "completed"),
      failedNotificationJobs: delta(NOTIFICATIONS, "failed"),
      failedEscalationJobs: delta(ALERTS, "failed"),
      cpu: wholeCpuResult,
    },
    resolved,
    resolveErrors,
    disconnectsDuringLoad: sockets.disconnects.count - disconnectsBefore,
  };
}
