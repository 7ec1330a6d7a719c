// `npm run bench:overload`: more load than one node can store. 10 senders per circle send with no
// pause for 15 s, each resending with the same clientId after the `retryAfterMs` a refusal names
// (as the web client's outbox does). Reports: the longest time any send waited for its answer,
// ok/unavailable counts, /readyz during and after the load, and — by syncing every circle
// afterwards — that every acknowledged message is stored exactly once.
import { startServices } from "@kring/devstack";
import type { Message, MessageSendAck, MessageSyncAck } from "@kring/protocol";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Socket } from "socket.io-client";
import { killAllChildrenSync } from "./child-process";
import { DEFAULT_OPTIONS, type BenchOptions } from "./cli-options";
import { describeDatabase, dropDatabase } from "./db-info";
import { startKring } from "./kring-target";
import { connectOne } from "./load-client";
import { mapLimit, Samples, sleep } from "./stats";

const repoRoot = path.resolve(__dirname, "..");
const startedAt = performance.now();
const log = (line: string) => process.stdout.write(`[overload ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);

type Options = { circles: number; senders: number; durationSeconds: number; pipeline: number };
const DEFAULTS: Options = { circles: 50, senders: 10, durationSeconds: 15, pipeline: 1 };
const USAGE = `Usage: npm run bench:overload -- [--circles N] [--senders N] [--duration S] [--pipeline N]

  --circles N    circles                                        default ${DEFAULTS.circles}
  --senders N    members per circle, each sending nonstop       default ${DEFAULTS.senders}
  --duration S   seconds of load                                default ${DEFAULTS.durationSeconds}
  --pipeline N   sends each sender keeps in flight (1: the next
                 only after the answer, as the web client does)  default ${DEFAULTS.pipeline}

The server runs with the configured MAX_IN_FLIGHT, WORK_DEADLINE_MS and RETRY_AFTER_MS (set them in the
environment to compare), and with per-user send rate limits raised so the load reaches the storage.
`;
/** An answer slower than this counts as none (the web client's own ack timeout). */
const ACK_TIMEOUT_MS = 10_000;
const TARGET_ANSWER_MS = 5_000;
const TARGET_READY_S = 10;

function parseArgs(argv: string[]): Options | "help" {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (flag === "--help") return "help";
    const value = Number(argv[i + 1]);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive whole number\n\n${USAGE}`);
    i += 1;
    if (flag === "--circles") options.circles = value;
    else if (flag === "--senders") options.senders = value;
    else if (flag === "--duration") options.durationSeconds = value;
    else if (flag === "--pipeline") options.pipeline = value;
    else throw new Error(`unknown option ${flag}\n\n${USAGE}`);
  }
  return options;
}

type Tally = {
  answers: Samples;
  ok: number;
  unavailable: number;
  rateLimited: number;
  otherErrors: Record<string, number>;
  noAnswer: number;
  /** clientId → circleId of every acknowledged message. */
  acknowledged: Map<string, string>;
  /** Sends given up when the load ended (last answer was a refusal): not acknowledged, may or may not be stored. */
  abandoned: number;
};

/** One member sending nonstop: next message as soon as the last is stored; a refusal is resent after its wait. */
async function runSender(socket: Socket, circleId: string, senderKey: string, loadEndsAt: number, tally: Tally): Promise<void> {
  let counter = 0;
  let clientId: string | undefined;
  while (performance.now() < loadEndsAt) {
    clientId ??= `${senderKey}-${(counter += 1)}`;
    const sentAt = performance.now();
    let ack: MessageSendAck;
    try {
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:send", { circleId, clientId, body: `overload ${clientId}` })) as MessageSendAck;
    } catch {
      tally.noAnswer += 1;
      tally.answers.add(ACK_TIMEOUT_MS);
      continue; // resend the same clientId
    }
    tally.answers.add(performance.now() - sentAt);
    if (ack.ok) {
      tally.ok += 1;
      tally.acknowledged.set(clientId, circleId);
      clientId = undefined;
      continue;
    }
    const { code, retryAfterMs } = ack.error;
    if (code === "unavailable") tally.unavailable += 1;
    else if (code === "rate_limited") tally.rateLimited += 1;
    else {
      tally.otherErrors[code] = (tally.otherErrors[code] ?? 0) + 1;
      clientId = undefined;
      continue;
    }
    await sleep(Math.min(retryAfterMs ?? 1000, Math.max(0, loadEndsAt - performance.now())));
  }
  if (clientId !== undefined) tally.abandoned += 1;
}

/** Every message of a circle, by paging message:sync from 0 (refusals are waited out). */
async function syncCircle(socket: Socket, circleId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let afterSeq = 0;
  for (;;) {
    const ack = (await socket.timeout(30_000).emitWithAck("message:sync", { circleId, afterSeq, limit: 100 })) as MessageSyncAck;
    if (!ack.ok) {
      if (ack.error.code !== "unavailable") throw new Error(`sync failed: ${ack.error.code}`);
      await sleep(ack.error.retryAfterMs ?? 1000);
      continue;
    }
    messages.push(...ack.messages);
    const last = ack.messages.at(-1);
    if (!ack.hasMore || !last) return messages;
    afterSeq = last.seq;
  }
}

async function main() {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === "help") {
    process.stdout.write(USAGE);
    return;
  }
  const options = parsed;
  // The load is meant to reach the storage, not the per-user rate limiter.
  process.env.SEND_RATE_PER_SECOND ??= "100000";
  process.env.SEND_BURST ??= "100000";

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "kring-overload-"));
  const services = await startServices({ repoRoot, dataDir, log: (line) => log(`devstack: ${line}`) });
  let kring: Awaited<ReturnType<typeof startKring>> | undefined;
  const sockets: Socket[] = [];
  try {
    const database = await describeDatabase(services.mongodbUri, services.ferretdb !== undefined ? repoRoot : undefined);
    const benchOptions: BenchOptions = { ...DEFAULT_OPTIONS, clients: options.circles * options.senders, circleSize: options.senders };
    kring = await startKring({ repoRoot, mongodbUri: services.mongodbUri, redisUrl: services.redisUrl, options: benchOptions, log });
    const target = kring;

    log(`connecting ${benchOptions.clients} sockets`);
    const members = target.circles.flatMap((circle, c) => circle.members.map((member, m) => ({ circleId: circle.circleId, token: member.token, key: `c${c}m${m}` })));
    const connected = await mapLimit(members, 50, async (member) => {
      const socket = await connectOne(target.url, member.token);
      sockets.push(socket);
      return { ...member, socket };
    });

    const tally: Tally = {
      answers: new Samples(),
      ok: 0,
      unavailable: 0,
      rateLimited: 0,
      otherErrors: {},
      noAnswer: 0,
      acknowledged: new Map(),
      abandoned: 0,
    };
    const runId = randomBytes(3).toString("hex");
    const probe = async () => {
      const sentAt = performance.now();
      const status = await fetch(`${target.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
      return { status, ms: performance.now() - sentAt };
    };

    log(`load: ${options.senders} senders in each of ${options.circles} circles, no pause, ${options.pipeline} in flight each, ${options.durationSeconds} s`);
    const loadStartedAt = performance.now();
    const loadEndsAt = loadStartedAt + options.durationSeconds * 1000;
    // /readyz every 500 ms during the load; from its end every 100 ms until the first 200 (measured
    // from the end of the load, while the last sends may still be answered).
    const readyDuringLoad = { probes: 0, ready: 0 };
    const prober = (async (): Promise<number | undefined> => {
      while (performance.now() < loadEndsAt) {
        const { status } = await probe();
        if (performance.now() >= loadEndsAt) break;
        readyDuringLoad.probes += 1;
        if (status === 200) readyDuringLoad.ready += 1;
        await sleep(Math.min(500, Math.max(0, loadEndsAt - performance.now())));
      }
      while ((performance.now() - loadEndsAt) / 1000 < 120) {
        const { status } = await probe();
        if (status === 200) return Math.max(0, (performance.now() - loadEndsAt) / 1000);
        await sleep(100);
      }
      return undefined;
    })();
    const progress = setInterval(() => log(`  ok ${tally.ok}, unavailable ${tally.unavailable}, no answer ${tally.noAnswer}`), 5000);
    await Promise.all(
      connected.flatMap((s) =>
        Array.from({ length: options.pipeline }, (_, lane) => runSender(s.socket, s.circleId, `${runId}-${s.key}-${lane}`, loadEndsAt, tally)),
      ),
    );
    clearInterval(progress);
    const lastAnswerS = (performance.now() - loadEndsAt) / 1000;
    const readyAfterS = await prober;
    log(`/readyz ${readyAfterS === undefined ? "NOT ready 120 s" : `ready ${readyAfterS.toFixed(1)} s`} after the load`);

    // Late stores (answered `unavailable` at the deadline, stored afterwards) land within the deadline's
    // shadow; wait a moment, then read every circle back.
    await sleep(3000);
    log("verifying: syncing every circle");
    const storedByClientId = new Map<string, number>();
    let storedTotal = 0;
    for (const circle of target.circles) {
      const reader = connected.find((s) => s.circleId === circle.circleId)!.socket;
      for (const message of await syncCircle(reader, circle.circleId)) {
        storedTotal += 1;
        storedByClientId.set(message.clientId, (storedByClientId.get(message.clientId) ?? 0) + 1);
      }
    }
    const missing = [...tally.acknowledged.keys()].filter((id) => !storedByClientId.has(id)).length;
    const duplicated = [...storedByClientId.values()].filter((count) => count > 1).length;
    const storedNotAcknowledged = [...storedByClientId.keys()].filter((id) => !tally.acknowledged.has(id)).length;

    const answers = tally.answers.summary();
    const sent = tally.ok + tally.unavailable + tally.rateLimited + tally.noAnswer + Object.values(tally.otherErrors).reduce((a, b) => a + b, 0);
    const ms = (value: number) => `${Math.round(value)} ms`;
    const pass = (ok: boolean) => (ok ? "yes" : "**NO**");
    const rows: Array<[string, string]> = [
      ["sends answered (incl. resends)", String(sent)],
      ["ok (stored and acknowledged)", `${tally.ok} (${(tally.ok / options.durationSeconds).toFixed(0)} msg/s)`],
      ["unavailable (refused at the bound or at the deadline)", String(tally.unavailable)],
      ["rate_limited", String(tally.rateLimited)],
      ["other errors", Object.keys(tally.otherErrors).length ? JSON.stringify(tally.otherErrors) : "0"],
      [`no answer within ${ACK_TIMEOUT_MS / 1000} s`, String(tally.noAnswer)],
      ["answer time p50 / p99 / max", `${ms(answers.p50)} / ${ms(answers.p99)} / ${ms(answers.max)}`],
      [`every send answered within ${TARGET_ANSWER_MS / 1000} s`, pass(tally.noAnswer === 0 && answers.max <= TARGET_ANSWER_MS)],
      ["last answer after the end of the load", `${lastAnswerS.toFixed(1)} s`],
      ["/readyz 200 during the load", `${readyDuringLoad.ready} of ${readyDuringLoad.probes} probes`],
      ["/readyz 200 after the load", readyAfterS === undefined ? "not within 120 s" : `after ${readyAfterS.toFixed(1)} s`],
      [`ready within ${TARGET_READY_S} s after`, pass(readyAfterS !== undefined && readyAfterS <= TARGET_READY_S)],
      ["acknowledged messages missing from sync", String(missing)],
      ["clientIds stored more than once", String(duplicated)],
      ["every acknowledged message stored exactly once", pass(missing === 0 && duplicated === 0)],
      ["stored but never acknowledged (load ended first)", `${storedNotAcknowledged} (of ${tally.abandoned} sends abandoned at the end)`],
      ["messages stored in total", String(storedTotal)],
    ];
    const table = ["| overload | result |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
    const env = ["MAX_IN_FLIGHT", "WORK_DEADLINE_MS", "RETRY_AFTER_MS"].filter((n) => process.env[n]).map((n) => `${n}=${process.env[n]} `).join("");
    const args = process.argv.slice(2).join(" ");
    const header = [
      `- Date: ${new Date().toISOString()}`,
      `- Command: \`${env}npm run bench:overload${args ? ` -- ${args}` : ""}\``,
      `- Load: ${options.circles} circles × ${options.senders} senders, no pause, ${options.pipeline} send(s) in flight per sender, ${options.durationSeconds} s; a refused send is resent (same clientId) after its retryAfterMs`,
      `- Machine: ${os.availableParallelism()} CPUs, ${os.cpus()[0]?.model.trim() ?? "?"}; database ${database}`,
    ].join("\n");
    const markdown = `# Kring overload bench: latest result\n\n${header}\n\n${table}\n`;
    process.stdout.write(`\n${table}\n`);
    const resultsDir = path.join(repoRoot, "bench/results");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, "overload-latest.md"), markdown);
    log("wrote bench/results/overload-latest.md");
  } finally {
    for (const socket of sockets) socket.close();
    if (kring) {
      await kring.stop().catch(() => undefined);
      await dropDatabase(services.mongodbUri, kring.dbName).catch(() => undefined);
    }
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.on("exit", killAllChildrenSync);
main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
