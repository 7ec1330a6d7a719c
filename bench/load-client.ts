import type { Message, MessageSendAck } from "@kring/protocol";
import { randomBytes } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import type { BenchOptions } from "./cli-options";
import { type CpuWindow, startCpuWindow } from "./proc-stats";
import { type LatencySummary, mapLimit, progressEvery10, Samples, sleep } from "./stats";
import type { RunningTarget } from "./target";

type Log = (line: string) => void;

type BenchClient = {
  circleIndex: number;
  memberIndex: number;
  circleId: string;
  socket: Socket;
  /** Message ids this socket has seen, to count duplicates per socket. */
  seen: Set<string>;
};

export type ConnectedClients = {
  /** grid[circle][member]; undefined where the socket failed to connect. */
  grid: Array<Array<BenchClient | undefined>>;
  connected: number;
  failures: Record<string, number>;
  seconds: number;
  disconnects: { count: number; reasons: Record<string, number> };
};

const CONNECT_TIMEOUT_MS = 20_000;
const TICK_MS = 5;
/** The histogram records whole timer intervals; this much of every sample is the interval itself. */
const LOOP_RESOLUTION_MS = 10;
const PROGRESS_EVERY_MS = 5_000;
/** Message bodies are padded to a typical care note's length, so frames are not unrealistically small. */
const BODY_LENGTH = 120;

export function connectOne(url: string, token: string | undefined): Promise<Socket> {
  const socket = io(url, {
    transports: ["websocket"],
    auth: token === undefined ? {} : { token },
    // One connection per simulated user, not one multiplexed connection for all of them.
    forceNew: true,
    // A drop during the run should show up as a loss, not be papered over by a reconnect.
    reconnection: false,
    timeout: CONNECT_TIMEOUT_MS,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => {
      socket.off("connect_error");
      resolve(socket);
    });
    socket.once("connect_error", (error: Error) => {
      socket.close();
      reject(error);
    });
  });
}

export async function connectClients(target: RunningTarget, options: BenchOptions, log: Log): Promise<ConnectedClients> {
  const started = performance.now();
  const slots = target.circles.flatMap((circle, circleIndex) =>
    circle.members.map((member, memberIndex) => ({ circleIndex, memberIndex, circleId: circle.circleId, token: member.token })),
  );
  const grid: ConnectedClients["grid"] = target.circles.map((circle) => circle.members.map(() => undefined));
  const failures: Record<string, number> = {};
  const disconnects: ConnectedClients["disconnects"] = { count: 0, reasons: {} };
  let connected = 0;
  log(`${target.name}: connecting ${slots.length} sockets (${options.connectConcurrency} at a time)`);
  await mapLimit(
    slots,
    options.connectConcurrency,
    async (slot) => {
      try {
        const socket = await connectOne(target.url, slot.token);
        if (target.joinsRoomsItself) {
          await socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck("join", { room: slot.circleId });
        }
        socket.on("disconnect", (reason: string) => {
          disconnects.count += 1;
          disconnects.reasons[reason] = (disconnects.reasons[reason] ?? 0) + 1;
        });
        grid[slot.circleIndex]![slot.memberIndex] = { ...slot, socket, seen: new Set() };
        connected += 1;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    },
    progressEvery10(`${target.name}: sockets attempted`, slots.length, log),
  );
  const seconds = (performance.now() - started) / 1000;
  log(`${target.name}: ${connected}/${slots.length} sockets connected in ${seconds.toFixed(1)} s`);
  return { grid, connected, failures, seconds, disconnects };
}

export function closeClients(clients: ConnectedClients) {
  for (const row of clients.grid) for (const client of row) client?.socket.disconnect();
}

export type LoadResult = {
  targetRate: number;
  durationSeconds: number;
  sent: number;
  /** Scheduled sends skipped because the sender's socket was not connected. */
  skipped: number;
  sendSeconds: number;
  achievedSendRate: number;
  achievedAckRate: number;
  ackOk: number;
  ackErrors: Record<string, number>;
  /** Sent but not acknowledged by the end of the drain window. */
  noAck: number;
  expectedDeliveries: number;
  receivedDeliveries: number;
  lost: number;
  duplicated: number;
  /** Deliveries to a socket outside the circle, or back to the sender's own socket. */
  misdelivered: number;
  /** Deliveries of messages whose ack was an error or never came. */
  deliveredWithoutAck: number;
  disconnectsDuringLoad: number;
  ack: LatencySummary;
  deliver: LatencySummary;
  /** How late the bench itself sent, against the schedule: large values mean the client is the bottleneck. */
  schedulerLag: LatencySummary;
  clientLoopDelayP99Ms: number;
  clientLoopDelayMaxMs: number;
  cpu: CpuWindow;
};

/**
 * Sends `rate` messages per second for `duration` seconds, message k at t0 + k/rate.
 * Message k goes to circle k mod C from member (k div C) mod size, so consecutive sends
 * hit different circles and every client sends equally often. A timer ticks every few ms
 * and sends whatever is due, so a late tick catches up instead of lowering the rate.
 */
export async function runLoad(input: {
  target: RunningTarget;
  clients: ConnectedClients;
  options: BenchOptions;
  /** Other processes whose CPU is worth reporting (database, redis). */
  extraPids: Record<string, number | undefined>;
  log: Log;
}): Promise<LoadResult> {
  const { target, clients, options, log } = input;
  const circleCount = clients.grid.length;
  const size = options.circleSize;
  const total = options.rate * options.durationSeconds;
  const intervalMs = 1000 / options.rate;
  const runId = randomBytes(4).toString("hex");
  const disconnectsBefore = clients.disconnects.count;

  const ackSamples = new Samples();
  const deliverSamples = new Samples();
  const lagSamples = new Samples();
  const windowDeliver = new Samples();
  const ackErrors: Record<string, number> = {};
  const deliveredBy = new Map<string, number>();
  const ackedIds: string[] = [];
  let sent = 0;
  let skipped = 0;
  let pendingAcks = 0;
  let ackOk = 0;
  let lastAckAt = 0;
  let received = 0;
  let duplicated = 0;
  let misdelivered = 0;
  let isClosed = false;

  const onMessage = (client: BenchClient) => (message: Message) => {
    if (isClosed) return;
    const receivedAt = performance.now();
    const [, kText, sentAtText] = message.body.split(":", 3);
    const k = Number(kText);
    if (message.circleId !== client.circleId || Math.floor(k / circleCount) % size === client.memberIndex) {
      misdelivered += 1;
      return;
    }
    if (client.seen.has(message.id)) {
      duplicated += 1;
      return;
    }
    client.seen.add(message.id);
    received += 1;
    deliveredBy.set(message.id, (deliveredBy.get(message.id) ?? 0) + 1);
    const latency = receivedAt - Number(sentAtText);
    deliverSamples.add(latency);
    windowDeliver.add(latency);
  };
  const handlers: Array<[Socket, (message: Message) => void]> = [];
  for (const row of clients.grid) {
    for (const client of row) {
      if (!client) continue;
      const handler = onMessage(client);
      client.socket.on("message:new", handler);
      handlers.push([client.socket, handler]);
    }
  }

  const sendOne = (k: number, scheduledAt: number) => {
    const client = clients.grid[k % circleCount]?.[Math.floor(k / circleCount) % size];
    if (!client || !client.socket.connected) {
      skipped += 1;
      return;
    }
    const sentAt = performance.now();
    lagSamples.add(sentAt - scheduledAt);
    // The send time rides in the body: receivers are in this process, so one monotonic clock serves both ends.
    const head = `bench:${k}:${sentAt.toFixed(3)}:`;
    const body = head + "x".repeat(Math.max(0, BODY_LENGTH - head.length));
    sent += 1;
    pendingAcks += 1;
    client.socket.emit("message:send", { circleId: client.circleId, clientId: `${runId}-${k}`, body }, (response: MessageSendAck) => {
      if (isClosed) return;
      const ackedAt = performance.now();
      pendingAcks -= 1;
      if (response.ok) {
        ackOk += 1;
        lastAckAt = ackedAt;
        ackSamples.add(ackedAt - sentAt);
        ackedIds.push(response.message.id);
      } else {
        const code = response.error?.code ?? "malformed_ack";
        ackErrors[code] = (ackErrors[code] ?? 0) + 1;
      }
    });
  };

  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  log(`${target.name}: load ${options.rate} msg/s for ${options.durationSeconds} s over ${clients.connected} sockets in ${circleCount} circles`);
  const t0 = performance.now() + 50;
  loopDelay.enable();
  const cpuWindow = startCpuWindow({ server: target.serverPid, ...input.extraPids });
  let nextProgressAt = t0 + PROGRESS_EVERY_MS;
  // Per-window CPU in the progress lines shows whether a latency spike lines up with other work on the machine.
  let progressCpu = startCpuWindow({ server: target.serverPid, ...input.extraPids });
  let lastSendAt = t0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / intervalMs) + 1);
      for (let k = sent + skipped; k < due; k += 1) sendOne(k, t0 + k * intervalMs);
      lastSendAt = now;
      if (now >= nextProgressAt) {
        nextProgressAt += PROGRESS_EVERY_MS;
        const window = windowDeliver.summary();
        windowDeliver.clear();
        const windowCpu = progressCpu.finish();
        progressCpu = startCpuWindow({ server: target.serverPid, ...input.extraPids });
        const processCpu = Object.entries(windowCpu.perProcessPercent)
          .filter(([, percent]) => percent !== undefined)
          .map(([name, percent]) => `${name} ${percent!.toFixed(0)}%`)
          .join(" ");
        log(
          `${target.name}: t=${((now - t0) / 1000).toFixed(0)}s sent=${sent} acked=${ackOk} errors=${sent - ackOk - pendingAcks} ` +
            `pending=${pendingAcks} delivered=${received} | last 5 s: deliver p99 ${window.count ? `${window.p99.toFixed(1)} ms` : "–"} max ${window.count ? `${window.max.toFixed(1)} ms` : "–"}, ` +
            `cpu ${processCpu} bench ${windowCpu.benchClientPercent.toFixed(0)}% machine ${windowCpu.machineBusyPercent.toFixed(0)}%`,
        );
      }
      if (sent + skipped >= total) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  const cpu = cpuWindow.finish();
  loopDelay.disable();

  // "Lost" means not there by drainSeconds after the last send; stop early once everything is in.
  const drainUntil = lastSendAt + options.drainSeconds * 1000;
  while (performance.now() < drainUntil && (pendingAcks > 0 || received < ackOk * (size - 1))) await sleep(20);
  isClosed = true;
  for (const [socket, handler] of handlers) socket.off("message:new", handler);

  const ackedSet = new Set(ackedIds);
  let lost = 0;
  for (const id of ackedIds) lost += Math.max(0, size - 1 - (deliveredBy.get(id) ?? 0));
  let deliveredWithoutAck = 0;
  for (const id of deliveredBy.keys()) if (!ackedSet.has(id)) deliveredWithoutAck += 1;
  const sendSeconds = (lastSendAt - t0) / 1000 + intervalMs / 1000;
  const ackErrorCount = Object.values(ackErrors).reduce((sum, n) => sum + n, 0);
  const result: LoadResult = {
    targetRate: options.rate,
    durationSeconds: options.durationSeconds,
    sent,
    skipped,
    sendSeconds,
    achievedSendRate: sent / sendSeconds,
    achievedAckRate: ackOk / Math.max(sendSeconds, (lastAckAt - t0) / 1000),
    ackOk,
    ackErrors,
    noAck: sent - ackOk - ackErrorCount,
    expectedDeliveries: ackOk * (size - 1),
    receivedDeliveries: received,
    lost,
    duplicated,
    misdelivered,
    deliveredWithoutAck,
    disconnectsDuringLoad: clients.disconnects.count - disconnectsBefore,
    ack: ackSamples.summary(),
    deliver: deliverSamples.summary(),
    schedulerLag: lagSamples.summary(),
    clientLoopDelayP99Ms: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    clientLoopDelayMaxMs: Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS),
    cpu,
  };
  log(
    `${target.name}: done: sent ${sent}, acked ${ackOk}, lost ${lost}, duplicated ${duplicated}, ` +
      `deliver p99 ${result.deliver.p99.toFixed(1)} ms, ack p99 ${result.ack.p99.toFixed(1)} ms`,
  );
  return result;
}
