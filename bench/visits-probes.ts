import { connectDatabase, createRepositories, createVisitRepositories, openRepositories } from "@kring/db";
import { recordQueries } from "@kring/db/testing";
import { createVisitsService } from "@kring/domain";
import { createHttp } from "./kring-target";
import { startCpuWindow } from "./proc-stats";
import { type LatencySummary, mapLimit, Samples } from "./stats";
import type { BenchUser, VisitsCircle } from "./visits-target";

// The two reads of issue #10's bench: a professional's week across all their circles
// (`GET /api/me/occurrences`) and the resident tablet's card (`GET /api/circles/:id/occurrences`).

type Log = (line: string) => void;
const WARMUP = 5;
type Occurrences = { occurrences: Array<{ id: string }> };

export type CpuShare = { server: number | undefined; ferretdb: number | undefined; others: number };
export type ProbeName = "meSequential" | "meConcurrent" | "residentSequential" | "residentConcurrent";
export type PhaseResult = {
  latency: Record<ProbeName, LatencySummary>;
  /** CPU while each read ran, in % of one core: the server, FerretDB, and everything else on the machine but the bench. */
  cpu: Record<ProbeName, CpuShare>;
  /** Occurrences in one answer (the first of each read), to check both phases answer the same. */
  meIds: string[];
  residentCount: number;
  ops: OpCounts;
};

export async function runProbes(input: {
  baseUrl: string;
  professional: BenchUser;
  circles: VisitsCircle[];
  today: string;
  meTo: string;
  residentTo: string;
  requests: number;
  concurrency: number;
  pids: { server: number; ferretdb: number | undefined; redis: number | undefined };
  log: Log;
}): Promise<Omit<PhaseResult, "ops">> {
  const http = createHttp(input.baseUrl);
  const mePath = `/api/me/occurrences?from=${input.today}&to=${input.meTo}`;
  const residentPath = (circle: VisitsCircle) => `/api/circles/${circle.circleId}/occurrences?from=${input.today}&to=${input.residentTo}`;
  const first = await http<Occurrences>("GET", mePath, undefined, input.professional.token);
  if (first.status !== 200) throw new Error(`GET /api/me/occurrences: HTTP ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`);
  const firstResident = await http<Occurrences>("GET", residentPath(input.circles[0]!), undefined, input.circles[0]!.resident.token);
  if (firstResident.status !== 200) throw new Error(`resident's read: HTTP ${firstResident.status}`);

  const cpu = {} as Record<ProbeName, CpuShare>;
  const measure = async (name: ProbeName, concurrency: number, request: (i: number) => Promise<{ status: number }>) => {
    // A few unmeasured requests first: JIT and caches as in a server that has been running.
    for (let i = 0; i < WARMUP; i += 1) await request(i);
    const samples = new Samples();
    const started = performance.now();
    const window = startCpuWindow(input.pids);
    await mapLimit(Array.from({ length: input.requests }, (_, i) => i), concurrency, async (i) => {
      const t0 = performance.now();
      const res = await request(i);
      samples.add(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
    });
    const used = window.finish();
    const known = Object.values(used.perProcessPercent).reduce<number>((sum, value) => sum + (value ?? 0), 0) + used.benchClientPercent;
    cpu[name] = { server: used.perProcessPercent.server, ferretdb: used.perProcessPercent.ferretdb, others: Math.max(0, used.machineBusyPercent * used.cores - known) };
    const summary = samples.summary();
    input.log(`${name}: ${input.requests} requests (${concurrency} at a time) in ${((performance.now() - started) / 1000).toFixed(1)} s; p50 ${summary.p50.toFixed(1)} ms, p99 ${summary.p99.toFixed(1)} ms`);
    return summary;
  };
  const me = () => http<Occurrences>("GET", mePath, undefined, input.professional.token);
  // Each resident read is another circle's tablet, in turn.
  const resident = (i: number) => {
    const circle = input.circles[i % input.circles.length]!;
    return http<Occurrences>("GET", residentPath(circle), undefined, circle.resident.token);
  };
  const latency: Record<ProbeName, LatencySummary> = {
    meSequential: await measure("meSequential", 1, me),
    meConcurrent: await measure("meConcurrent", input.concurrency, me),
    residentSequential: await measure("residentSequential", 1, resident),
    residentConcurrent: await measure("residentConcurrent", input.concurrency, resident),
  };
  return { latency, cpu, meIds: first.body.occurrences.map((o) => o.id).sort(), residentCount: firstResident.body.occurrences.length };
}

export type OpCount = { total: number; byCollection: Record<string, number>; violations: number };
export type OpCounts = { meCold: OpCount; meWarm: OpCount; residentCold: OpCount; residentWarm: OpCount };

/**
 * Database operations of the same two reads, counted in this process: the visits service on the real
 * repositories over the same database, with the query recorder of packages/db (the server runs this
 * very code; its HTTP layer adds the session check). "Cold" is a fresh process's first call (no slot
 * list cached), "warm" the next one, as in a running server.
 */
export async function countOperations(input: { mongodbUri: string; dbName: string; professional: BenchUser; circles: VisitsCircle[]; today: string; meTo: string; residentTo: string }): Promise<OpCounts> {
  const connection = await connectDatabase(input.mongodbUri, { dbName: input.dbName });
  try {
    const { models, repositories } = await openRepositories(connection);
    // A fresh service has empty slot-list caches: a new server process's first read.
    const freshService = () =>
      createVisitsService({
        memberships: createRepositories(models).memberships,
        ...createVisitRepositories(models),
        checkins: repositories.checkins,
        visitsPublisher: { planUpdated: () => undefined, occurrenceUpdated: () => undefined },
        now: () => new Date(),
      });
    const count = async (run: () => Promise<unknown>): Promise<OpCount> => {
      const recorder = recordQueries(connection);
      try {
        await run();
      } finally {
        recorder.stop();
      }
      const byCollection: Record<string, number> = {};
      for (const op of recorder.operations) byCollection[op.collection] = (byCollection[op.collection] ?? 0) + 1;
      return { total: recorder.operations.length, byCollection, violations: recorder.violations().length };
    };
    const circle = input.circles[0]!;
    const forMe = freshService();
    const me = () => forMe.listMyOccurrences(input.professional.userId, input.today, input.meTo);
    const forResident = freshService();
    const resident = () => forResident.listOccurrences(circle.resident.userId, circle.circleId, input.today, input.residentTo);
    const meCold = await count(me);
    const meWarm = await count(me);
    const residentCold = await count(resident);
    const residentWarm = await count(resident);
    return { meCold, meWarm, residentCold, residentWarm };
  } finally {
    await connection.close();
  }
}
