import {
  canReadThread,
  can,
  type AccessLogRepository,
  type AlertsService,
  type CirclesService,
  type MembershipRepository,
  type MessageLog,
  type PreferencesRepository,
  type SessionsService,
  type UserRepository,
  type VisitsService,
  DomainError,
  requireMembership,
  dayOf,
  addDays,
} from "@kring/domain";
import type { Message, MessageThread } from "@kring/protocol";
import { Readable } from "node:stream";

// Issue #11, export (GDPR Art. 15/20): the data as JSON, and the same as a readable HTML page,
// each produced by an async generator that reads one page of 200 messages at a time, so the
// export of a circle with 100,000 messages holds one page, never the whole conversation.

const EXPORT_PAGE = 200;
/** The largest page an export held at once (read by the bounded-memory test). */
export const exportStats = { maxPageHeld: 0 };

type ExportDependencies = {
  users: Pick<UserRepository, "findById" | "findNames">;
  memberships: MembershipRepository;
  messageLog: Pick<MessageLog, "newestSeq" | "readRange">;
  circles: Pick<CirclesService, "listMembers">;
  alerts: Pick<AlertsService, "listAlerts">;
  sessions: Pick<SessionsService, "listMySessions">;
  preferences: Pick<PreferencesRepository, "find">;
  accessLog: Pick<AccessLogRepository, "readDay">;
  circleName: (circleId: string) => Promise<string>;
  now: () => Date;
  /** Issue #10: the circle's plans, and a member's own plans and visits (absent: no such sections). */
  visits?: Pick<VisitsService, "listPlans" | "listMyOccurrences">;
};

/** A member's visits in their export: a year back, half a year ahead (each plan expanded over it once). */
const EXPORT_VISITS_DAYS_BACK = 365;
const EXPORT_VISITS_DAYS_AHEAD = 180;

type Section = { name: string; items: () => AsyncIterable<unknown> } | { name: string; value: unknown };

async function* pagesOf(log: ExportDependencies["messageLog"], circleId: string, thread: MessageThread, filter?: (m: Message) => boolean) {
  const newest = await log.newestSeq(circleId, thread);
  for (let after = 0; after < newest; after += EXPORT_PAGE) {
    const page = await log.readRange(circleId, thread, after, Math.min(newest, after + EXPORT_PAGE));
    exportStats.maxPageHeld = Math.max(exportStats.maxPageHeld, page.length);
    for (const message of page) if (!filter || filter(message)) yield message;
  }
}

/** `{"a": …, "b": [ …streamed… ]}`, written a chunk at a time. */
async function* jsonOf(sections: Section[]): AsyncGenerator<string> {
  yield "{";
  let firstSection = true;
  for (const section of sections) {
    yield `${firstSection ? "" : ","}\n${JSON.stringify(section.name)}: `;
    firstSection = false;
    if ("value" in section) {
      yield JSON.stringify(section.value, null, 1);
      continue;
    }
    yield "[";
    let first = true;
    for await (const item of section.items()) {
      yield `${first ? "" : ","}\n ${JSON.stringify(item)}`;
      first = false;
    }
    yield "]";
  }
  yield "\n}\n";
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** The same sections as a plain page: one table or list per section. */
async function* htmlOf(title: string, sections: Section[], names: Map<string, string>): AsyncGenerator<string> {
  yield `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}` +
    `li{margin:.3rem 0}.when{color:#555}</style></head><body><h1>${escapeHtml(title)}</h1>` +
    `<p>Everything Kring holds, as of ${new Date().toISOString()}. The same data is in data.json.</p>`;
  for (const section of sections) {
    yield `<h2>${escapeHtml(section.name)}</h2>`;
    if ("value" in section) {
      yield `<pre>${escapeHtml(JSON.stringify(section.value, null, 2))}</pre>`;
      continue;
    }
    yield "<ul>";
    for await (const item of section.items()) {
      const message = item as Partial<Message>;
      if (typeof message.seq === "number" && typeof message.createdAt === "string") {
        const who = message.deleted ? "(removed)" : message.senderId ? (names.get(message.senderId) ?? "a former member") : "Kring";
        yield `<li><span class="when">${escapeHtml(message.createdAt)}</span> <strong>${escapeHtml(who)}</strong>: ${escapeHtml(message.body ?? "")}</li>`;
      } else {
        yield `<li><pre>${escapeHtml(JSON.stringify(item))}</pre></li>`;
      }
    }
    yield "</ul>";
  }
  yield "</body></html>\n";
}

export function createExporter(deps: ExportDependencies) {
  /** The sections of a circle's export (resident or coordinator). */
  async function circleSections(callerId: string, circleId: string): Promise<{ title: string; sections: Section[]; names: Map<string, string> }> {
    const membership = await requireMembership(deps.memberships, circleId, callerId);
    if (!can(membership.role, "circle.export")) {
      throw new DomainError("forbidden", "Only the resident and the coordinators can export the whole circle.");
    }
    const [name, members, alerts] = await Promise.all([
      deps.circleName(circleId),
      deps.circles.listMembers(callerId, circleId),
      deps.alerts.listAlerts(callerId, circleId),
    ]);
    const names = new Map(members.map((m) => [m.userId, m.name]));
    const threads = (["circle", "team"] as const).filter((thread) => canReadThread(membership.role, thread));
    const sections: Section[] = [
      { name: "exportedAt", value: deps.now().toISOString() },
      { name: "circle", value: { id: circleId, name } },
      { name: "members", value: members },
      { name: "alerts", value: alerts },
      ...threads.map((thread) => ({ name: thread === "team" ? "teamMessages" : "messages", items: () => pagesOf(deps.messageLog, circleId, thread) })),
      // The circle's plans (a few per circle, read by key); each occurrence is derived from them.
      ...(deps.visits ? [{ name: "plans", value: await deps.visits.listPlans(callerId, circleId) }] : []),
    ];
    return { title: `Kring: ${name}`, sections, names };
  }

  /** The sections of a member's own export: account, memberships, own messages, own reads. */
  async function meSections(userId: string, sessionId: string | undefined) {
    const user = await deps.users.findById(userId);
    if (!user) throw new DomainError("unauthorized", "Sign in first.");
    const [memberships, devices, preferences] = await Promise.all([
      deps.memberships.listForUser(userId),
      deps.sessions.listMySessions(userId, sessionId),
      deps.preferences.find(userId),
    ]);
    const names = new Map([[userId, user.name]]);
    const today = dayOf(deps.now());
    const sections: Section[] = [
      { name: "exportedAt", value: deps.now().toISOString() },
      { name: "account", value: { id: user.id, email: user.email, name: user.name } },
      { name: "memberships", value: await Promise.all(memberships.map(async (m) => ({ circleId: m.circleId, circleName: await deps.circleName(m.circleId), role: m.role, joinedAt: m.joinedAt.toISOString() }))) },
      { name: "devices", value: devices },
      { name: "preferences", value: preferences },
      {
        name: "alerts",
        items: async function* () {
          for (const m of memberships) {
            const alerts = await deps.alerts.listAlerts(userId, m.circleId).catch(() => []);
            for (const alert of alerts) {
              if (alert.raisedBy === userId || JSON.stringify(alert).includes(userId)) yield alert;
            }
          }
        },
      },
      {
        name: "messages",
        items: async function* () {
          for (const m of memberships) {
            for (const thread of ["circle", "team"] as const) {
              if (!canReadThread(m.role, thread)) continue;
              yield* pagesOf(deps.messageLog, m.circleId, thread, (message) => message.senderId === userId);
            }
          }
        },
      },
      ...(deps.visits ? visitSections(deps.visits, userId, memberships.map((m) => m.circleId), today) : []),
      {
        name: "myReads",
        items: async function* () {
          for (const m of memberships) {
            for (let day = today, n = 0; n < 93; day = addDays(day, -1), n += 1) {
              for (const row of await deps.accessLog.readDay(m.circleId, day)) {
                if (row.userId === userId) yield { circleId: m.circleId, ...row };
              }
            }
          }
        },
      },
    ];
    return { title: `Kring: ${user.name}`, sections, names };
  }

  /** The plans a member made, and the visits and tasks they took (or take), within the export's window. */
  function visitSections(visits: NonNullable<ExportDependencies["visits"]>, userId: string, circleIds: string[], today: string): Section[] {
    return [
      {
        name: "myPlans",
        items: async function* () {
          for (const circleId of circleIds) {
            for (const plan of await visits.listPlans(userId, circleId).catch(() => [])) if (plan.createdBy === userId) yield plan;
          }
        },
      },
      {
        name: "myVisits",
        items: async function* () {
          const occurrences = await visits.listMyOccurrences(userId, addDays(today, -EXPORT_VISITS_DAYS_BACK), addDays(today, EXPORT_VISITS_DAYS_AHEAD));
          for (const occurrence of occurrences) if (occurrence.assigneeId === userId) yield occurrence;
        },
      },
    ];
  }

  return {
    circleSections,
    meSections,
    json: (sections: Section[]) => Readable.from(jsonOf(sections)),
    html: (title: string, sections: Section[], names: Map<string, string>) => Readable.from(htmlOf(title, sections, names)),
  };
}
export type Exporter = ReturnType<typeof createExporter>;
