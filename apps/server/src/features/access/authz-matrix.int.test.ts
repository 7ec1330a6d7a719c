import { can, type RoleAction } from "@kring/domain";
import sharp from "sharp";
import type { Role } from "@kring/protocol";
import { collect, sleep, startTestServer, type ClientSocket, type TestServer } from "../../testing/harness";

// Issue #11 item 2: the authorization matrix. Every REST endpoint the express app serves and every
// socket event a connected socket listens to is derived from the running server; each must appear
// in a table below (a new endpoint without a row fails the test). Every circle endpoint and event
// is then called by every role of the circle and by an outsider (the coordinator of a foreign
// circle), and the answer must match `can(role, action)` (packages/domain access/role-permissions.ts):
// allowed → neither 401 nor 403; refused → 403 and nothing of the circle in the answer.

type Who = Role | "outsider";
const ROLES: Who[] = ["resident", "family", "professional", "coordinator", "volunteer", "outsider"];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { sendRatePerSecond: 10_000, sendBurst: 10_000, rateLimitOverrides: { "alert-raise": { points: 1000, windowSeconds: 60 }, "alert-claim": { points: 1000, windowSeconds: 60 } } } });
});
afterAll(async () => {
  await server.stop();
});

type Fixture = Awaited<ReturnType<typeof careCircle>>;

/** Circle X with one member of each role (and a second family member who raises the alert), and a foreign circle. */
async function careCircle() {
  const coordinator = await server.registerUser("Sofie Coordinator");
  const circle = await server.createCircle(coordinator.token, "Anna's circle");
  const family = await server.addMember(coordinator.token, circle.id, "family", "Marie Peeters");
  const raiser = await server.addMember(coordinator.token, circle.id, "family", "Jan Peeters");
  const professional = await server.addMember(coordinator.token, circle.id, "professional", "Karim Benali");
  const volunteer = await server.addMember(coordinator.token, circle.id, "volunteer", "Lotte De Smet");
  const resident = await server.addResident(coordinator.token, circle.id, "Anna Peeters");
  await server.request("PUT", `/api/circles/${circle.id}/residents/${resident.user.id}/profile`, {
    token: coordinator.token,
    body: { phone: "0470 12 34 56", address: "Kerkstraat 1, Gent", language: "nl" },
  });
  const outsider = await server.registerUser("Olga Outsider");
  const foreign = await server.createCircle(outsider.token, "Another circle");
  // Issue #10 meets #11: an open task, the family member's visit (both with notes), and her photo.
  const openPlan = await createPlan(coordinator.token, circle.id, { kind: "task", title: "Pharmacy run", notes: "Key under the mat", start: VISIT_DAY + "T10:00" });
  const familyPlan = await createPlan(coordinator.token, circle.id, {
    kind: "visit",
    title: "Marie's visit",
    notes: "Door code 4711",
    start: VISIT_DAY + "T15:00",
    durationMinutes: 60,
    assigneeId: family.user.id,
  });
  const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#888888" } }).png().toBuffer();
  const uploaded = await fetch(`${server.baseUrl}/api/me/photo`, { method: "PUT", headers: { authorization: `Bearer ${family.token}`, "content-type": "image/png" }, body: photo });
  if (uploaded.status !== 200) throw new Error(`photo upload failed: ${uploaded.status}`);
  const raiserSocket = await server.connect(raiser.token);
  await raiserSocket.emitWithAck("message:send", { circleId: circle.id, clientId: "secret-1", body: "Anna fell yesterday" });
  const raised = await raiserSocket.emitWithAck("alert:raise", { circleId: circle.id, kind: "call_me", clientId: "raise-1" });
  if (!raised.ok) throw new Error("raise failed");
  const tokens: Record<Who, string> = {
    resident: resident.token,
    family: family.token,
    professional: professional.token,
    coordinator: coordinator.token,
    volunteer: volunteer.token,
    outsider: outsider.token,
  };
  const ids: Record<Who, string> = {
    resident: resident.user.id,
    family: family.user.id,
    professional: professional.user.id,
    coordinator: coordinator.user.id,
    volunteer: volunteer.user.id,
    outsider: outsider.user.id,
  };
  return {
    circle,
    foreign,
    tokens,
    ids,
    resident,
    family,
    raiser,
    alertId: raised.alert.id,
    openPlan,
    familyPlan,
    secrets: ["Anna fell yesterday", "Kerkstraat", "+32470123456", "Peeters", "Door code 4711", "Key under the mat"],
  };
}

const VISIT_DAY = "2027-03-23";
const occurrenceOf = (plan: { id: string }, time: string) => `${plan.id}:${VISIT_DAY}T${time}`;
async function createPlan(token: string, circleId: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await server.request("POST", `/api/circles/${circleId}/plans`, { token, body: { timeZone: "Europe/Brussels", ...body } });
  if (res.status !== 201) throw new Error(`plan failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.plan;
}

type RestCase = {
  /** The permission this endpoint needs; `self` notes roles allowed beyond the table (their own record). */
  action: RoleAction;
  alsoAllowed?: Who[];
  path: (f: Fixture, who: Who) => string | Promise<string>;
  body?: (f: Fixture, who: Who) => unknown | Promise<unknown>;
};

const inCircle = (rest: string) => (f: Fixture) => `/api/circles/${f.circle.id}${rest}`;
const freshInvitation = async (f: Fixture) =>
  (await server.request("POST", `/api/circles/${f.circle.id}/invitations`, { token: f.tokens.coordinator, body: { role: "family" } })).body.code as string;

/** Every endpoint under /api/circles/:id: who may call it. */
const CIRCLE_ENDPOINTS: Record<string, RestCase> = {
  "GET /api/circles/:id/members": { action: "members.read", path: inCircle("/members") },
  "POST /api/circles/:id/invitations": { action: "invitations.manage", path: inCircle("/invitations"), body: () => ({ role: "family" }) },
  "GET /api/circles/:id/invitations": { action: "invitations.manage", path: inCircle("/invitations") },
  "DELETE /api/circles/:id/invitations/:code": { action: "invitations.manage", path: async (f) => `/api/circles/${f.circle.id}/invitations/${await freshInvitation(f)}` },
  "POST /api/circles/:id/invitations/:code/email": {
    action: "invitations.manage",
    path: async (f) => `/api/circles/${f.circle.id}/invitations/${await freshInvitation(f)}/email`,
    body: () => ({ email: "someone@example.test" }),
  },
  "DELETE /api/circles/:id/members/:userId": {
    action: "members.remove",
    // Never the caller (that is leaving): a fresh member for the coordinator, another member for the others.
    path: async (f, who) => {
      const someoneElse = who === "family" ? f.ids.professional : f.ids.family;
      const target = who === "coordinator" ? (await server.addMember(f.tokens.coordinator, f.circle.id, "family")).user.id : someoneElse;
      return `/api/circles/${f.circle.id}/members/${target}`;
    },
  },
  "GET /api/circles/:id/presence": { action: "presence.read", path: inCircle("/presence") },
  "GET /api/circles/:id/dead-letters": { action: "dead_letters.read", path: inCircle("/dead-letters") },
  "POST /api/circles/:id/residents": { action: "residents.manage", path: inCircle("/residents"), body: () => ({ name: "Second resident" }) },
  "POST /api/circles/:id/residents/:userId/pairing-codes": { action: "residents.manage", path: (f) => `/api/circles/${f.circle.id}/residents/${f.resident.user.id}/pairing-codes` },
  "GET /api/circles/:id/devices": { action: "residents.manage", path: inCircle("/devices") },
  "DELETE /api/circles/:id/devices/:deviceId": { action: "residents.manage", path: inCircle("/devices/0123456789abcdef01234567") },
  "GET /api/circles/:id/residents/:userId/profile": {
    action: "members.read_profiles",
    alsoAllowed: ["resident"], // her own
    path: (f) => `/api/circles/${f.circle.id}/residents/${f.resident.user.id}/profile`,
  },
  "PUT /api/circles/:id/residents/:userId/profile": {
    action: "residents.manage",
    path: (f) => `/api/circles/${f.circle.id}/residents/${f.resident.user.id}/profile`,
    body: () => ({ phone: "0470 12 34 56", address: "Kerkstraat 1, Gent", language: "nl" }),
  },
  "GET /api/circles/:id/messages": { action: "messages.read", path: inCircle("/messages") },
  "GET /api/circles/:id/alerts": { action: "alerts.read", path: inCircle("/alerts") },
  "GET /api/circles/:id/escalation": { action: "ladder.read", path: inCircle("/escalation") },
  "PUT /api/circles/:id/escalation": { action: "ladder.manage", path: inCircle("/escalation"), body: (f) => ({ responders: [f.ids.family], stepSeconds: 60 }) },
  "GET /api/circles/:id/checkin-schedule": { action: "checkins.read", path: inCircle("/checkin-schedule") },
  "PUT /api/circles/:id/checkin-schedule": {
    action: "checkins.manage",
    path: inCircle("/checkin-schedule"),
    body: () => ({ enabled: false, deadline: "10:00", timeZone: "Europe/Brussels" }),
  },
  "GET /api/circles/:id/checkins": { action: "checkins.read", path: inCircle("/checkins?from=2026-11-01&to=2026-11-07") },
  // Issue #11, privacy (features/privacy).
  "GET /api/circles/:id/access-log": { action: "access_log.read", path: inCircle("/access-log") },
  "GET /api/circles/:id/export": { action: "circle.export", path: inCircle("/export?format=json") },
  "GET /api/circles/:id/retention": { action: "retention.read", path: inCircle("/retention") },
  "PUT /api/circles/:id/retention": { action: "retention.manage", path: inCircle("/retention"), body: () => ({ messagesDays: 730 }) },
  // Issue #10, visits (features/visits): a volunteer may read (open or own only, see below) but not plan.
  "POST /api/circles/:id/plans": { action: "visits.plan", path: inCircle("/plans"), body: () => ({ kind: "task", title: "Groceries", start: VISIT_DAY + "T09:00" }) },
  "GET /api/circles/:id/plans": { action: "visits.read_open", path: inCircle("/plans") },
  "GET /api/circles/:id/occurrences": { action: "visits.read_open", path: inCircle(`/occurrences?from=${VISIT_DAY}&to=${VISIT_DAY}`) },
  "DELETE /api/circles/:id/residents/:userId": {
    action: "residents.manage",
    // The coordinator erases a resident made for it; the others are refused before anything happens.
    path: async (f, who) => {
      const target = who === "coordinator" ? (await server.addResident(f.tokens.coordinator, f.circle.id, "Erased Resident")).user.id : f.resident.user.id;
      return `/api/circles/${f.circle.id}/residents/${target}`;
    },
  },
};

type ObjectCase = {
  /** The permission; `only` instead when the rule is not a role's (a plan's creator or a coordinator). */
  action?: RoleAction;
  only?: Who[];
  /** What a member whose role may not gets: 403, or 404 when they may not even learn it exists. */
  refused: 403 | 404;
  path: (f: Fixture, who: Who) => string | Promise<string>;
  body?: (f: Fixture, who: Who) => unknown;
};

/**
 * Endpoints that name a thing of circle X (a plan, an occurrence, a member's photo) instead of the
 * circle: allowed → 2xx; refused → `refused`; the outsider (a stranger to circle X) → 404. A key
 * after " — " names a second case of the same endpoint.
 */
const OBJECT_ENDPOINTS: Record<string, ObjectCase> = {
  "PATCH /api/plans/:id": { only: ["coordinator"], refused: 403, path: (f) => `/api/plans/${f.familyPlan.id}`, body: () => ({ title: "Marie's visit" }) },
  "DELETE /api/plans/:id": {
    only: ["coordinator"], // the creator (here the coordinator) and coordinators
    refused: 403,
    path: async (f, who) => `/api/plans/${who === "coordinator" ? (await createPlan(f.tokens.coordinator, f.circle.id, { kind: "task", title: "Bin day", start: VISIT_DAY + "T08:00" })).id : f.familyPlan.id}`,
  },
  "GET /api/occurrences/:id": { action: "visits.read_open", refused: 404, path: (f) => `/api/occurrences/${occurrenceOf(f.openPlan, "10:00")}` },
  "GET /api/occurrences/:id — someone else's": { action: "visits.read_all", refused: 404, path: (f) => `/api/occurrences/${occurrenceOf(f.familyPlan, "15:00")}` },
  "POST /api/occurrences/:id/:action": {
    action: "visits.claim",
    refused: 403,
    // A fresh open task for each caller, so that every allowed claim wins.
    path: async (f) => `/api/occurrences/${occurrenceOf(await createPlan(f.tokens.coordinator, f.circle.id, { kind: "task", title: "Post", start: VISIT_DAY + "T11:00" }), "11:00")}/claim`,
  },
  "GET /api/users/:id/photo": { action: "photos.read", refused: 404, path: (f) => `/api/users/${f.ids.family}/photo` },
};

/** Endpoints that name no circle, and why they need no row above (each has its own tests). */
const OTHER_ENDPOINTS: Record<string, string> = {
  "GET /healthz": "public probe",
  "GET /readyz": "public probe",
  "POST /api/auth/register": "public",
  "POST /api/auth/login": "public",
  "POST /api/auth/device-token": "public: a device token",
  "POST /api/auth/logout": "public: a device token",
  "POST /api/auth/password-reset": "public",
  "POST /api/auth/password-reset/confirm": "public: a reset token",
  "POST /api/devices/pair": "public: a pairing code",
  "GET /api/queues/health": "operator token",
  "GET /metrics": "metrics token",
  "GET /api/push/vapid-public-key": "public key",
  "GET /api/me": "own account",
  "PATCH /api/me": "own account",
  "POST /api/me/password": "own account",
  "GET /api/me/sessions": "own account",
  "DELETE /api/me/sessions": "own account",
  "DELETE /api/me/sessions/:sessionId": "own account (another's is not_found)",
  "POST /api/me/push-subscriptions": "own account",
  "DELETE /api/me/push-subscriptions": "own account",
  "GET /api/me/notification-preferences": "own account",
  "PUT /api/me/notification-preferences": "own account",
  "POST /api/circles": "creates a circle of one's own",
  "GET /api/circles": "own circles (a volunteer's unread is 0: checked below)",
  "GET /api/alerts": "inbox across own circles, filtered by alerts.read (checked below)",
  "GET /api/invitations/:code": "a code is the credential",
  "POST /api/invitations/:code/accept": "a code is the credential",
  "DELETE /api/me": "own account (erasure, with its password; privacy.int.test.ts)",
  "GET /api/me/export": "own account (privacy.int.test.ts)",
  "GET /calendar/:file": "public: the feed's secret token; its content is /api/me/occurrences's (checked below)",
  "GET /api/me/occurrences": "across own circles, filtered by visits.read_all (checked below)",
  "PUT /api/me/photo": "own account",
  "DELETE /api/me/photo": "own account",
  "POST /api/me/calendar-feed": "own account",
  "DELETE /api/me/calendar-feed": "own account",
};

type EventCase = { action: RoleAction | "raiser-only"; payload: (f: Fixture, who: Who) => unknown };
const EVENTS: Record<string, EventCase> = {
  "message:send": { action: "messages.read", payload: (f, who) => ({ circleId: f.circle.id, clientId: `matrix-${who}`, body: "hello" }) },
  "message:sync": { action: "messages.read", payload: (f) => ({ circleId: f.circle.id, afterSeq: 0 }) },
  "message:read": { action: "messages.read", payload: (f) => ({ circleId: f.circle.id, seq: 1 }) },
  typing: { action: "messages.read", payload: (f) => ({ circleId: f.circle.id }) },
  "alert:raise": { action: "alerts.raise", payload: (f, who) => ({ circleId: f.circle.id, kind: "call_me", clientId: `matrix-${who}` }) },
  "alert:claim": { action: "alerts.respond", payload: (f) => ({ alertId: f.alertId }) },
  "alert:resolve": { action: "alerts.respond", payload: (f) => ({ alertId: f.alertId }) },
  "alert:cancel": { action: "raiser-only", payload: (f) => ({ alertId: f.alertId }) },
  "checkin:ok": { action: "checkins.read", payload: (f) => ({ circleId: f.circle.id }) },
};

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };

/** Every route of the running express app, as "METHOD /path". */
function routesOf(stack: Layer[], prefix = ""): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter((method) => method !== "_all")
        .map((method) => `${method.toUpperCase()} ${prefix}${String(layer.route!.path)}`);
    }
    if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
      return routesOf(layer.handle.stack, prefix + mount);
    }
    return [];
  });
}

const allowed = (who: Who, action: RoleAction, also: Who[] = []) => who !== "outsider" && (can(who, action) || also.includes(who));

describe("the authorization matrix", () => {
  it("has a row for every REST endpoint the server serves", () => {
    const app = server.kring.app as unknown as { router: { stack: Layer[] } };
    // The web app's catch-all (a RegExp path) serves the built client, not data.
    const routes = routesOf(app.router.stack).filter((route) => !route.startsWith("GET /^"));
    const known = new Set([...Object.keys(CIRCLE_ENDPOINTS), ...Object.keys(OBJECT_ENDPOINTS).map((key) => key.split(" — ")[0]!), ...Object.keys(OTHER_ENDPOINTS)]);
    expect(routes.filter((route) => !known.has(route))).toEqual([]);
    // And no row names an endpoint that no longer exists.
    expect([...known].filter((route) => !routes.includes(route))).toEqual([]);
  });

  it("answers every circle endpoint as the table says, for every role and an outsider", async () => {
    const f = await careCircle();
    const mismatches: string[] = [];
    for (const [endpoint, spec] of Object.entries(CIRCLE_ENDPOINTS)) {
      const method = endpoint.split(" ")[0]!;
      for (const who of ROLES) {
        const path = await spec.path(f, who);
        const body = spec.body ? await spec.body(f, who) : undefined;
        const res = await server.request(method, path, { token: f.tokens[who], ...(body === undefined ? {} : { body }) });
        const shouldPass = allowed(who, spec.action, spec.alsoAllowed);
        const ok = shouldPass ? res.status !== 401 && res.status !== 403 : res.status === 403;
        if (!ok) mismatches.push(`${endpoint} as ${who}: ${res.status} (${shouldPass ? "allowed" : "refused"} expected)`);
        if (!shouldPass) {
          const text = JSON.stringify(res.body ?? "");
          for (const secret of f.secrets) if (text.includes(secret)) mismatches.push(`${endpoint} as ${who} leaks "${secret}"`);
        }
      }
      // Every member of circle X on the same endpoint of the foreign circle: refused.
      const foreignPath = (await spec.path(f, "family")).replace(f.circle.id, f.foreign.id);
      const res = await server.request(method, foreignPath, { token: f.tokens.coordinator, ...(spec.body ? { body: await spec.body(f, "family") } : {}) });
      if (res.status !== 403) mismatches.push(`${endpoint} on a foreign circle: ${res.status}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("answers every endpoint on a plan, an occurrence or a photo as the table says, for every role and an outsider", async () => {
    const f = await careCircle();
    const mismatches: string[] = [];
    for (const [key, spec] of Object.entries(OBJECT_ENDPOINTS)) {
      const endpoint = key.split(" — ")[0]!;
      const method = endpoint.split(" ")[0]!;
      for (const who of ROLES) {
        const path = await spec.path(f, who);
        const body = spec.body?.(f, who);
        const res = await server.request(method, path, { token: f.tokens[who], ...(body === undefined ? {} : { body }) });
        const shouldPass = who !== "outsider" && (spec.only ? spec.only.includes(who) : can(who, spec.action!));
        const expected = shouldPass ? "2xx" : who === "outsider" ? 404 : spec.refused;
        const got = res.status >= 200 && res.status < 300 ? "2xx" : res.status;
        if (got !== expected) {
          mismatches.push(`${key} as ${who}: ${res.status} (${expected} expected)`);
        }
        if (!shouldPass) {
          const text = JSON.stringify(res.body ?? "");
          for (const secret of f.secrets) if (text.includes(secret)) mismatches.push(`${key} as ${who} leaks "${secret}"`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("shows a volunteer only the visits that are open or their own, never a note or a photo", async () => {
    const f = await careCircle();
    const window = `from=${VISIT_DAY}&to=${VISIT_DAY}`;
    const asVolunteer = { token: f.tokens.volunteer };
    const volunteerSocket = await server.connect(f.tokens.volunteer);
    const heardOccurrences = collect(volunteerSocket, "occurrence:update");
    const heardPlans = collect(volunteerSocket, "plan:update");
    const plans = await server.request("GET", `/api/circles/${f.circle.id}/plans`, asVolunteer);
    expect(plans.body.plans.map((p: { id: string; notes: unknown }) => [p.id, p.notes])).toEqual([[f.openPlan.id, null]]);
    const listed = await server.request("GET", `/api/circles/${f.circle.id}/occurrences?${window}`, asVolunteer);
    expect(listed.body.occurrences.map((o: { id: string }) => o.id)).toEqual([occurrenceOf(f.openPlan, "10:00")]);
    // The family member sees both, with the plan's notes.
    const familyPlans = await server.request("GET", `/api/circles/${f.circle.id}/plans`, { token: f.tokens.family });
    expect(familyPlans.body.plans.map((p: { notes: string }) => p.notes).sort()).toEqual(["Door code 4711", "Key under the mat"]);

    // The volunteer claims the open task and completes it with a note: it is theirs now, still without notes.
    const claimed = await server.request("POST", `/api/occurrences/${occurrenceOf(f.openPlan, "10:00")}/claim`, asVolunteer);
    expect(claimed.body.occurrence).toMatchObject({ assigneeId: f.ids.volunteer, status: "planned", note: null });
    const completed = await server.request("POST", `/api/occurrences/${occurrenceOf(f.openPlan, "10:00")}/complete`, { ...asVolunteer, body: { note: "Medicine in the kitchen drawer" } });
    expect(completed.body.occurrence).toMatchObject({ status: "done", note: null });
    const family = await server.request("GET", `/api/occurrences/${occurrenceOf(f.openPlan, "10:00")}`, { token: f.tokens.family });
    expect(family.body.occurrence.note).toBe("Medicine in the kitchen drawer");
    // Someone else's occurrence: not found for the volunteer, whatever they try.
    for (const action of ["claim", "release", "check-in"]) {
      const res = await server.request("POST", `/api/occurrences/${occurrenceOf(f.familyPlan, "15:00")}/${action}`, asVolunteer);
      expect([action, res.status, JSON.stringify(res.body)]).toEqual([action, 404, expect.not.stringContaining("Door code")]);
    }
    const mine = await server.request("GET", `/api/me/occurrences?${window}`, asVolunteer);
    expect(mine.body.occurrences.map((o: { id: string; note: unknown }) => [o.id, o.note])).toEqual([[occurrenceOf(f.openPlan, "10:00"), null]]);
    const familyMine = await server.request("GET", `/api/me/occurrences?${window}`, { token: f.tokens.family });
    expect(familyMine.body.occurrences).toHaveLength(2);

    // No photo, and the members list does not say who has one.
    const members = await server.request("GET", `/api/circles/${f.circle.id}/members`, asVolunteer);
    expect(JSON.stringify(members.body)).not.toContain("hasPhoto");
    const familyMembers = await server.request("GET", `/api/circles/${f.circle.id}/members`, { token: f.tokens.family });
    expect(familyMembers.body.members.find((m: { userId: string }) => m.userId === f.ids.family).hasPhoto).toBe(true);

    // Live: what they may see, without notes, and nothing of anyone else's.
    await createPlan(f.tokens.coordinator, f.circle.id, { kind: "task", title: "Bins out", notes: "Key under the mat", start: VISIT_DAY + "T07:00" });
    await createPlan(f.tokens.coordinator, f.circle.id, { kind: "task", title: "Karim's task", notes: "Door code 4711", start: VISIT_DAY + "T08:00", assigneeId: f.ids.professional });
    await sleep(300);
    expect(heardPlans.map((e) => [e.plan.title, e.plan.notes])).toEqual([["Bins out", null]]);
    expect(heardOccurrences.map((e) => [e.occurrence.status, e.occurrence.note])).toEqual([
      ["planned", null],
      ["done", null],
    ]);
    volunteerSocket.disconnect();

    // A volunteer's calendar feed holds only what the occurrences API shows them.
    const feed = await server.request("POST", "/api/me/calendar-feed", asVolunteer);
    const ics = await (await fetch(new URL(new URL(feed.body.url).pathname, server.baseUrl))).text();
    expect(ics).toContain("Pharmacy run");
    expect(ics).not.toContain("Marie's visit");
    expect(ics).not.toMatch(/Door code|Key under|Medicine/);
  });

  it("has a row for every socket event, answers each as the table says, and sends a volunteer nothing", async () => {
    const f = await careCircle();
    const sockets = {} as Record<Who, ClientSocket>;
    for (const who of ROLES) sockets[who] = await server.connect(f.tokens[who]);
    const serverSocket = [...server.kring.io.of("/").sockets.values()].at(-1)!;
    const events = serverSocket.eventNames().map(String).filter((name) => !["disconnect", "disconnecting", "error"].includes(name));
    expect(events.filter((name) => !(name in EVENTS))).toEqual([]);
    expect(Object.keys(EVENTS).filter((name) => !events.includes(name))).toEqual([]);

    const volunteerHears = (["message:new", "alert:update", "typing", "presence", "notification"] as const).map((event) => collect(sockets.volunteer, event));
    const mismatches: string[] = [];
    // Claims and resolves change the alert: the refused ones first, so the allowed ones find it open.
    const order = [...ROLES].sort((a, b) => Number(a !== "volunteer" && a !== "outsider") - Number(b !== "volunteer" && b !== "outsider"));
    for (const [event, spec] of Object.entries(EVENTS)) {
      for (const who of order) {
        const ack = (await sockets[who].timeout(5000).emitWithAck(event as "message:sync", spec.payload(f, who) as never)) as { ok: boolean; error?: { code: string } };
        const shouldPass = spec.action === "raiser-only" ? false : allowed(who, spec.action);
        const refused = !ack.ok && ack.error?.code === "forbidden";
        // Allowed: anything but forbidden (a claim lost to another role is `conflict`, a resolved alert may be `conflict`).
        if (shouldPass ? refused : !refused) mismatches.push(`${event} as ${who}: ${JSON.stringify(ack)}`);
        if (!shouldPass && JSON.stringify(ack).includes("Anna fell")) mismatches.push(`${event} as ${who} leaks the message`);
      }
      // On the foreign circle (or its alert id, which it does not own): refused.
      const foreignAck = (await sockets.family.emitWithAck(event as "message:sync", JSON.parse(JSON.stringify(spec.payload(f, "family")).replaceAll(f.circle.id, f.foreign.id)))) as { ok: boolean; error?: { code: string } };
      if (event.startsWith("message") || event === "typing" || event === "checkin:ok" || event === "alert:raise") {
        if (foreignAck.ok || foreignAck.error?.code !== "forbidden") mismatches.push(`${event} on a foreign circle: ${JSON.stringify(foreignAck)}`);
      }
    }
    await sleep(300);
    expect(mismatches).toEqual([]);
    expect(volunteerHears.flat()).toEqual([]);
  });

  it("shows a volunteer the circle's name and first names only, and none of its alerts or activity", async () => {
    const f = await careCircle();
    const circles = await server.request("GET", "/api/circles", { token: f.tokens.volunteer });
    expect(circles.body.circles).toEqual([{ id: f.circle.id, name: "Anna's circle", myRole: "volunteer", unread: 0 }]);
    const members = await server.request("GET", `/api/circles/${f.circle.id}/members`, { token: f.tokens.volunteer });
    expect(members.body.members.map((m: { name: string }) => m.name)).toEqual(["Sofie", "Marie", "Jan", "Karim", "Lotte", "Anna"]);
    expect(JSON.stringify(members.body)).not.toMatch(/Kerkstraat|\+32|profile/);
    expect((await server.request("GET", "/api/alerts", { token: f.tokens.volunteer })).body.alerts).toEqual([]);
    // The family member sees the same alert in their inbox.
    expect((await server.request("GET", "/api/alerts", { token: f.tokens.family })).body.alerts.map((a: { id: string }) => a.id)).toContain(f.alertId);
  });

  it("never pages a volunteer: a ladder naming one is refused", async () => {
    const f = await careCircle();
    const res = await server.request("PUT", `/api/circles/${f.circle.id}/escalation`, {
      token: f.tokens.coordinator,
      body: { responders: [f.ids.family, f.ids.volunteer], stepSeconds: 60 },
    });
    expect([res.status, res.body.error?.code]).toEqual([400, "validation_failed"]);
  });
});
