import type { Role } from "@kring/protocol";
import { DomainError } from "../errors";

/**
 * What each role of a circle may read and do (issue #11): ONE table, so the rule for a role is read
 * in one place and a role added later gets nothing until someone writes its row. Services ask
 * `can(role, action)` after the membership check; docs/protocol.md shows the same table, and
 * apps/server/src/features/access/authz-matrix.int.test.ts walks every endpoint and event with it.
 *
 * The volunteer (a neighbour, a student) sees the circle's name and its members' first names;
 * once visits exist, also the plans and occurrences that are open or their own (the `visits.*`
 * rows below are that place). Never messages, alerts, check-ins, notes, photos, contact details or
 * the resident's profile, and never paged.
 */
export const ROLE_ACTIONS = [
  "circle.read", // the circle's name (GET /api/circles)
  "members.read", // the members list (names: see members.read_full_names)
  "members.read_full_names", // full names; without it, first names only
  "members.read_profiles", // a resident's phone, address and language
  "members.remove", // remove someone else (anyone may leave)
  "invitations.manage", // create, list, withdraw, email invitations
  "messages.read", // the circle thread: read, send, sync, typing, history
  "team.read", // the care-team thread (see thread-access.ts)
  "alerts.read", // alerts, the inbox, alert:update
  "alerts.raise", // Help, call me
  "alerts.respond", // claim, resolve
  "ladder.read",
  "ladder.manage",
  "checkins.read",
  "checkins.manage", // the check-in schedule
  "presence.read", // who is online, typing
  "residents.manage", // managed residents, pairing, their devices and profiles
  "dead_letters.read",
  "paged", // is paged by ladders and unanswered fan-outs, and gets digests
  "visits.read_open", // plans and occurrences that are open or their own (when visits exist)
  "visits.claim",
  "access_log.read", // who read what and who changed what (issue #11)
  "circle.export", // the whole circle as a download (issue #11)
  "retention.read", // how long the circle keeps messages
  "retention.manage",
  // Issue #10 meets #11: visits and photos.
  "visits.read_all", // every plan and occurrence, with notes; without it, only open or own ones, no notes
  "visits.plan", // create plans (edit and delete: coordinators and the plan's creator)
  "photos.read", // co-members' profile photos
] as const;
export type RoleAction = (typeof ROLE_ACTIONS)[number];

const CARE = ["family", "professional", "coordinator"] as const;
const ALL_BUT_VOLUNTEER = ["resident", ...CARE] as const;
const EVERYONE = [...ALL_BUT_VOLUNTEER, "volunteer"] as const;

/** Who may: each action lists the roles that may (never who may not). */
export const ROLE_PERMISSIONS: Record<RoleAction, readonly Role[]> = {
  "circle.read": EVERYONE,
  "members.read": EVERYONE,
  "members.read_full_names": ALL_BUT_VOLUNTEER,
  "members.read_profiles": CARE,
  "members.remove": ["coordinator"],
  "invitations.manage": ["coordinator"],
  "messages.read": ALL_BUT_VOLUNTEER,
  "team.read": CARE,
  "alerts.read": ALL_BUT_VOLUNTEER,
  "alerts.raise": ALL_BUT_VOLUNTEER,
  "alerts.respond": ALL_BUT_VOLUNTEER,
  "ladder.read": ALL_BUT_VOLUNTEER,
  "ladder.manage": ["coordinator"],
  "checkins.read": ALL_BUT_VOLUNTEER,
  "checkins.manage": ["coordinator"],
  "presence.read": ALL_BUT_VOLUNTEER,
  "residents.manage": ["coordinator"],
  "dead_letters.read": ["coordinator"],
  paged: CARE,
  "visits.read_open": EVERYONE,
  // Claim, release, check in/out, complete (the resident's account changes no visits).
  "visits.claim": [...CARE, "volunteer"],
  "access_log.read": ["resident", "family", "coordinator"],
  "circle.export": ["resident", "coordinator"],
  "retention.read": ALL_BUT_VOLUNTEER,
  "retention.manage": ["coordinator"],
  "visits.read_all": ALL_BUT_VOLUNTEER,
  "visits.plan": CARE,
  "photos.read": ALL_BUT_VOLUNTEER,
};

export function can(role: Role, action: RoleAction): boolean {
  return ROLE_PERMISSIONS[action].includes(role);
}

/** After the membership check: `forbidden` when the member's role may not do this. */
export function requirePermission(role: Role, action: RoleAction): void {
  if (!can(role, action)) throw new DomainError("forbidden", "Your role in this circle does not allow this.");
}

/** What a volunteer sees of a name: its first word ("Marie Peeters" → "Marie"). */
export function firstNameOf(name: string): string {
  return name.trim().split(/\s+/u)[0] ?? "";
}
