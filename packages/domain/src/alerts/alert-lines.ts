import type { Alert, Message, SystemLine } from "@kring/protocol";
import type { UserRepository } from "../users/users.ports";

/**
 * The line a Help alert's change leaves in the circle's conversation (issue #9): raised, claimed,
 * resolved. Other kinds (a "call me", a missed check-in) and pages leave none: the conversation is
 * for people, and a line per page would drown it.
 */
export function alertLineOf(alert: Alert): { type: SystemLine["type"]; userId: string | null; note: string | null } | null {
  if (alert.kind !== "help") return null;
  if (alert.status === "resolved") return { type: "alert_resolved", userId: alert.resolvedBy, note: alert.note };
  if (alert.status === "claimed") return { type: "alert_claimed", userId: alert.claimedBy, note: null };
  // The raise as the server announces it: alone, or with the first page that left at the raise
  // (recorded at the raise's own time; a ladder step's page comes later and leaves no line).
  const [first, second, ...rest] = alert.history;
  const isJustRaised =
    first?.type === "raised" && rest.length === 0 && (second === undefined || (second.type === "paged" && second.at === alert.createdAt));
  if (alert.status === "open" && isJustRaised) return { type: "alert_raised", userId: alert.raisedBy, note: null };
  return null;
}

/** Plain English for clients that don't know `system` yet; the web app renders `system` itself. */
export function alertLineBody(line: SystemLine): string {
  switch (line.type) {
    case "alert_raised":
      return `${line.name} pressed Help.`;
    case "alert_claimed":
      return `${line.name} is on it.`;
    case "alert_resolved":
      return line.note ? `Resolved by ${line.name}: ${line.note}` : `Resolved by ${line.name}.`;
  }
}

/**
 * Writes the line of an alert's change through the messages service (a seq like any message;
 * the clientId `alert:<id>:<type>` makes a second write of the same change return the first).
 * `onStored` fans a new line out as `message:new`.
 */
export function createAlertLineWriter(deps: {
  appendSystemLine: (circleId: string, input: { clientId: string; body: string; system: SystemLine }) => Promise<{ message: Message; isNew: boolean }>;
  /** The server passes the page-path cache's reader (60 s): a tablet's connect loads its resident,
   *  so a Help within that minute costs the line no database read. */
  users: Pick<UserRepository, "findById">;
  onStored: (message: Message) => void;
}) {
  return async (alert: Alert): Promise<void> => {
    const line = alertLineOf(alert);
    if (!line) return;
    const name = line.userId === null ? "" : ((await deps.users.findById(line.userId))?.name ?? "");
    const system: SystemLine = { type: line.type, alertId: alert.id, userId: line.userId, name, ...(line.note ? { note: line.note } : {}) };
    const result = await deps.appendSystemLine(alert.circleId, {
      clientId: `alert:${alert.id}:${line.type}`,
      body: alertLineBody(system),
      system,
    });
    if (result.isNew) deps.onStored(result.message);
  };
}
