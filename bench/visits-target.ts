import { addDaysToDate } from "@kring/domain";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { appNodeArgs } from "./app-process";
import { spawnChild } from "./child-process";
import { findFreePort } from "./free-port";
import { createHttp, expectStatus, PASSWORD, waitUntilServerReady, withDatabaseName } from "./kring-target";
import { mapLimit, progressEvery10 } from "./stats";
import { type ServerLogSummary, watchServerLog } from "./target";

// The visits bench's Kring (issue #10): the server alone (no worker: nothing here waits for a job),
// one professional in every circle, and per circle a coordinator, a resident with a paired tablet
// and a handful of plans, all made over the public API.

type Log = (line: string) => void;
type Http = ReturnType<typeof createHttp>;
export type BenchUser = { token: string; userId: string };

export const BENCH_TIME_ZONE = "Europe/Brussels";

/** Today's local date in the bench's zone (what the web app puts in `from`). */
export function localToday(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: BENCH_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

type RunningServer = { baseUrl: string; dbName: string; http: Http; serverPid: number; serverLog: ServerLogSummary; stop(): Promise<void> };

export async function startKringServer(input: { repoRoot: string; mongodbUri: string; redisUrl: string; log: Log }): Promise<RunningServer> {
  const { log } = input;
  const dbName = `kring_bench_${randomBytes(5).toString("hex")}`;
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawnChild(process.execPath, appNodeArgs(path.join(input.repoRoot, "apps/server/src/main.ts")), {
    cwd: input.repoRoot,
    env: {
      ...process.env,
      MONGODB_URI: withDatabaseName(input.mongodbUri, dbName),
      REDIS_URL: input.redisUrl,
      REDIS_PREFIX: `kring-bench-${randomBytes(4).toString("hex")}`,
      JWT_SECRET: randomBytes(36).toString("base64url"),
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      AUTH_RATE_PER_MINUTE: "100000000",
      // The professional accepts one invitation per circle, and every circle pairs a tablet: far more
      // than one person does in ten minutes.
      RATE_LIMITS: JSON.stringify({
        invitation: { points: 100_000, windowSeconds: 60 },
        "pairing-global": { points: 100_000, windowSeconds: 60 },
      }),
      ACCESS_TOKEN_TTL_SECONDS: "7200",
    },
  });
  const serverLog = watchServerLog(child.onLine);
  try {
    log(`Kring: server starting on ${baseUrl} (database ${dbName})`);
    const serverPid = await waitUntilServerReady(child, baseUrl, log);
    return { baseUrl, dbName, http: createHttp(baseUrl), serverPid, serverLog, stop: () => child.stop() };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/** Who takes a plan's occurrences: the plan's assignee, or (open plans) the coordinator claims them. */
type PlanTemplate = {
  kind: "visit" | "task";
  title: string;
  time: string;
  durationMinutes: number | null;
  recurrence: string;
  assignee: "professional" | "coordinator" | "open";
};

/** A circle's plans: ~3.9 occurrences a day, a third of them the professional's. */
export const PLAN_TEMPLATES: PlanTemplate[] = [
  { kind: "visit", title: "Morning care", time: "08:00", durationMinutes: 45, recurrence: "FREQ=DAILY", assignee: "professional" },
  { kind: "visit", title: "Nurse visit", time: "17:00", durationMinutes: 30, recurrence: "FREQ=WEEKLY;BYDAY=MO,WE,FR", assignee: "professional" },
  { kind: "visit", title: "Lunch together", time: "12:00", durationMinutes: 60, recurrence: "FREQ=DAILY", assignee: "open" },
  { kind: "visit", title: "Evening call-in", time: "19:00", durationMinutes: 15, recurrence: "FREQ=DAILY", assignee: "open" },
  { kind: "visit", title: "Family afternoon", time: "15:00", durationMinutes: 90, recurrence: "FREQ=WEEKLY;BYDAY=TU,SA", assignee: "coordinator" },
  { kind: "task", title: "Groceries", time: "10:00", durationMinutes: null, recurrence: "FREQ=WEEKLY;BYDAY=TH", assignee: "open" },
  { kind: "task", title: "Pharmacy", time: "11:00", durationMinutes: null, recurrence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", assignee: "coordinator" },
];

export type BenchPlan = { id: string; template: PlanTemplate; start: string; assigneeId: string | null };
export type VisitsCircle = { circleId: string; coordinator: BenchUser; resident: BenchUser; plans: BenchPlan[] };

/**
 * Registers the professional and one coordinator per circle; each coordinator creates the circle,
 * invites the professional, adds the resident and pairs her tablet, and makes the plans, starting today.
 */
export async function buildVisitCircles(http: Http, input: { circles: number; concurrency: number; today: string; log: Log }): Promise<{ professional: BenchUser; circles: VisitsCircle[] }> {
  const { log } = input;
  const runId = randomBytes(4).toString("hex");
  const userCount = input.circles + 1;
  log(`Kring: registering ${userCount} users (1 professional, ${input.circles} coordinators; ${input.concurrency} at a time)`);
  const users = await mapLimit(
    Array.from({ length: userCount }, (_, i) => i),
    input.concurrency,
    async (i): Promise<BenchUser> => {
      const res = await http<{ token: string; user: { id: string } }>("POST", "/api/auth/register", {
        email: `visits-${runId}-${i}@example.test`,
        password: PASSWORD,
        name: i === 0 ? "Bench professional" : `Bench coordinator ${i}`,
      });
      expectStatus("register", 201, res);
      return { token: res.body.token, userId: res.body.user.id };
    },
    progressEvery10("Kring: registered", userCount, log),
  );
  const professional = users[0]!;
  log(`Kring: building ${input.circles} circles (create, invite and accept the professional, add and pair the resident, ${PLAN_TEMPLATES.length} plans)`);
  const circles = await mapLimit(
    Array.from({ length: input.circles }, (_, c) => c),
    input.concurrency,
    async (c): Promise<VisitsCircle> => {
      const coordinator = users[c + 1]!;
      const created = await http<{ circle: { id: string } }>("POST", "/api/circles", { name: `Bench circle ${c}` }, coordinator.token);
      expectStatus("create circle", 201, created);
      const circleId = created.body.circle.id;
      const invitation = await http<{ code: string }>("POST", `/api/circles/${circleId}/invitations`, { role: "professional" }, coordinator.token);
      expectStatus("create professional invitation", 201, invitation);
      const accepted = await http<{ circle: { myRole: string } }>("POST", `/api/invitations/${invitation.body.code}/accept`, undefined, professional.token);
      expectStatus("accept invitation", 200, accepted);
      const added = await http<{ member: { userId: string } }>("POST", `/api/circles/${circleId}/residents`, { name: `Bench resident ${c}` }, coordinator.token);
      expectStatus("add resident", 201, added);
      const pairing = await http<{ code: string }>("POST", `/api/circles/${circleId}/residents/${added.body.member.userId}/pairing-codes`, undefined, coordinator.token);
      expectStatus("pairing code", 201, pairing);
      const paired = await http<{ token: string; user: { id: string } }>("POST", "/api/devices/pair", { code: pairing.body.code });
      expectStatus("pair tablet", 200, paired);
      const plans: BenchPlan[] = [];
      // One after the other: the circle's plan list is in creation order, as a coordinator makes them.
      for (const template of PLAN_TEMPLATES) {
        const assigneeId = template.assignee === "professional" ? professional.userId : template.assignee === "coordinator" ? coordinator.userId : null;
        const start = `${input.today}T${template.time}`;
        const res = await http<{ plan: { id: string } }>(
          "POST",
          `/api/circles/${circleId}/plans`,
          {
            kind: template.kind,
            title: template.title,
            start,
            timeZone: BENCH_TIME_ZONE,
            recurrence: template.recurrence,
            assigneeId,
            ...(template.durationMinutes === null ? {} : { durationMinutes: template.durationMinutes }),
          },
          coordinator.token,
        );
        expectStatus("create plan", 201, res);
        plans.push({ id: res.body.plan.id, template, start, assigneeId });
      }
      return { circleId, coordinator, resident: { token: paired.body.token, userId: paired.body.user.id }, plans };
    },
    progressEvery10("Kring: circles", input.circles, log),
  );
  return { professional, circles };
}

/** The window the professional's "today" screen and the tablet's card read: today and the 6 or 7 days after. */
export function windows(today: string) {
  return { meTo: addDaysToDate(today, 6), residentTo: addDaysToDate(today, 7) };
}
