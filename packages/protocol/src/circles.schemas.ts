import { z } from "zod";
import { Email } from "./auth.schemas";
import { Id, InvitationRole, IsoDate, Role, ShortText } from "./common";
import { ResidentProfile } from "./residents.schemas";

export const CircleName = ShortText(1, 100);

export const CreateCircleBody = z.strictObject({ name: CircleName });
export type CreateCircleBody = z.infer<typeof CreateCircleBody>;

export const Circle = z.object({ id: Id, name: z.string(), myRole: Role });
export type Circle = z.infer<typeof Circle>;

/**
 * `unread` counts the circle thread; `unreadTeam` the care-team thread, present only for members
 * who may read it (never for a resident).
 */
export const CircleWithUnread = Circle.extend({ unread: z.number().int().min(0), unreadTeam: z.number().int().min(0).optional() });
export type CircleWithUnread = z.infer<typeof CircleWithUnread>;

export const CircleResponse = z.object({ circle: Circle });
export const CirclesResponse = z.object({ circles: z.array(CircleWithUnread) });

/**
 * `profile` only on a resident's entry, and only for callers allowed to see it (family,
 * professionals, coordinators): phone, address and tablet language.
 */
/** `hasPhoto: true` (issue #10): `GET /api/users/:userId/photo` has a photo to show (absent otherwise). */
export const Member = z.object({ userId: Id, name: z.string(), role: Role, profile: ResidentProfile.optional(), hasPhoto: z.boolean().optional() });
export type Member = z.infer<typeof Member>;
/**
 * `formerMembers` (issue #11): people who left or were removed, for the names on their past
 * messages; only for roles that read the conversation.
 */
export const FormerMember = z.object({ userId: Id, name: z.string() });
export type FormerMember = z.infer<typeof FormerMember>;
export const MembersResponse = z.object({ members: z.array(Member) });
/** The same answer read for its `formerMembers` (staff screens; the tablet's first load stays as it was). */
export const FormerMembersResponse = z.object({ formerMembers: z.array(FormerMember).optional() });
export type FormerMembersResponse = z.infer<typeof FormerMembersResponse>;

export const CircleIdParams = z.strictObject({ id: Id });

export const CreateInvitationBody = z.strictObject({ role: InvitationRole });
export type CreateInvitationBody = z.infer<typeof CreateInvitationBody>;

/**
 * A pending invitation as its coordinator sees it. `url` is the link that opens the join screen
 * with the code filled in (`<APP_URL>/join/<code>`); `role` and `url` were added by issue #9.
 */
export const InvitationResponse = z.object({ code: z.string(), expiresAt: IsoDate, role: InvitationRole, url: z.string() });
export type InvitationResponse = z.infer<typeof InvitationResponse>;

/** `GET /api/circles/:id/invitations` (coordinators): the pending ones (not used, revoked or expired), newest first. */
export const InvitationsResponse = z.object({ invitations: z.array(InvitationResponse) });
export type InvitationsResponse = z.infer<typeof InvitationsResponse>;

export const CircleInvitationParams = z.strictObject({ id: Id, code: z.string().max(64) });

/**
 * `POST /api/circles/:id/invitations/:code/email`: Kring mails the link to this address (202; the
 * worker sends it). The mail names who invites and the role, never the circle or anything about care.
 */
export const InvitationEmailBody = z.strictObject({ email: Email, language: z.enum(["nl", "fr", "en"]).optional() });
export type InvitationEmailBody = z.infer<typeof InvitationEmailBody>;

/** Invitation codes are 16 characters of an unambiguous alphabet (no 0/O, 1/I/L). */
export const InvitationCode = z.string().regex(/^[A-HJ-KM-NP-Z2-9]{16}$/, "not an invitation code");
export const InvitationCodeParams = z.strictObject({ code: z.string().max(64) });

/**
 * `GET /api/invitations/:code`: what accepting would do, shown to the person before they accept
 * (the circle's name and the role they would have), so nobody joins a circle blind.
 */
export const InvitationPreview = z.object({
  circle: z.object({ id: Id, name: z.string() }),
  role: InvitationRole,
  expiresAt: IsoDate,
});
export type InvitationPreview = z.infer<typeof InvitationPreview>;
export const InvitationPreviewResponse = z.object({ invitation: InvitationPreview });
