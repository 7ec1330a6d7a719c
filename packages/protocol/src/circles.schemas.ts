import { z } from "zod";
import { Id, InvitationRole, IsoDate, Role, ShortText } from "./common";

export const CircleName = ShortText(1, 100);

export const CreateCircleBody = z.strictObject({ name: CircleName });
export type CreateCircleBody = z.infer<typeof CreateCircleBody>;

export const Circle = z.object({ id: Id, name: z.string(), myRole: Role });
export type Circle = z.infer<typeof Circle>;

export const CircleWithUnread = Circle.extend({ unread: z.number().int().min(0) });
export type CircleWithUnread = z.infer<typeof CircleWithUnread>;

export const CircleResponse = z.object({ circle: Circle });
export const CirclesResponse = z.object({ circles: z.array(CircleWithUnread) });

export const Member = z.object({ userId: Id, name: z.string(), role: Role });
export type Member = z.infer<typeof Member>;
export const MembersResponse = z.object({ members: z.array(Member) });

export const CircleIdParams = z.strictObject({ id: Id });

export const CreateInvitationBody = z.strictObject({ role: InvitationRole });
export type CreateInvitationBody = z.infer<typeof CreateInvitationBody>;

export const InvitationResponse = z.object({ code: z.string(), expiresAt: IsoDate });
export type InvitationResponse = z.infer<typeof InvitationResponse>;

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
