import type { MessageThread, Role } from "@kring/protocol";
import { can } from "../access/role-permissions";
import { DomainError } from "../errors";

/**
 * Who may read (and so write in) a thread: the circle thread is everyone's; the care-team thread
 * belongs to the roles named here. The rule lists who may, not who may not, so a role added later
 * (volunteers) stays out of the team thread until someone decides otherwise. Every path that
 * reads, writes, counts or delivers team messages asks this one function.
 */
export function canReadThread(role: Role, thread: MessageThread): boolean {
  // Issue #11: the rows live in access/role-permissions.ts; a volunteer reads neither thread.
  return can(role, thread === "circle" ? "messages.read" : "team.read");
}

/** The threads a member of this role can see, circle first (none for a volunteer). */
export const readableThreads = (role: Role): MessageThread[] => (["circle", "team"] as const).filter((thread) => canReadThread(role, thread));

/** After the membership check: a resident asking for the team thread gets `forbidden`. */
export function requireThreadAccess(role: Role, thread: MessageThread): void {
  if (!canReadThread(role, thread)) throw new DomainError("forbidden", "This conversation is for the care team only.");
}
