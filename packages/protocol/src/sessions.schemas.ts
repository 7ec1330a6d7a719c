import { z } from "zod";
import { Id, IsoDate, ShortText } from "./common";
import { MessageThread } from "./messages.schemas";
import { User } from "./auth.schemas";
import { Circle } from "./circles.schemas";
import { PersonName } from "./auth.schemas";

// Device sessions (issue #4): a long-lived, revocable secret per device that is exchanged for
// short-lived access tokens. A resident's tablet gets one by pairing; a browser gets one at
// register/login, so nobody is signed out every 15 minutes.

/** Opaque, 43 characters (32 random bytes, base64url). Keep it like a password. */
export const DeviceToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not a device token");

export const DeviceName = ShortText(1, 60);

export const DeviceTokenBody = z.strictObject({ deviceToken: DeviceToken });
export type DeviceTokenBody = z.infer<typeof DeviceTokenBody>;

/** `POST /api/auth/device-token` and `POST /api/auth/logout` */
export const AccessTokenResponse = z.object({ token: z.string(), user: User });

/** A resident account the coordinator manages: no email, no password. */
export const CreateResidentBody = z.strictObject({ name: PersonName });
export type CreateResidentBody = z.infer<typeof CreateResidentBody>;

export const PAIRING_CODE_TTL_MINUTES = 30;
/** 8 characters of the unambiguous alphabet, typed once on the resident's tablet. */
export const PairingCode = z.string().regex(/^[A-HJ-KM-NP-Z2-9]{8}$/, "not a pairing code");
export const PairingCodeResponse = z.object({ code: z.string(), expiresAt: IsoDate });

export const PairDeviceBody = z.strictObject({ code: z.string().min(1).max(32), deviceName: DeviceName.optional() });
export type PairDeviceBody = z.infer<typeof PairDeviceBody>;
export const PairDeviceResponse = z.object({ token: z.string(), deviceToken: z.string(), user: User, circle: Circle });

export const Device = z.object({
  id: Id,
  userId: Id,
  name: z.string(),
  createdAt: IsoDate,
  lastUsedAt: IsoDate,
  revokedAt: IsoDate.nullable(),
});
export type Device = z.infer<typeof Device>;
export const DevicesResponse = z.object({ devices: z.array(Device) });
export const DeviceParams = z.strictObject({ id: Id, deviceId: Id });

/** `GET /api/me/sessions`: every signed-in device of the caller's own account. */
export const AccountSession = Device.extend({ kind: z.enum(["browser", "tablet"]), isCurrent: z.boolean() });
export type AccountSession = z.infer<typeof AccountSession>;
export const AccountSessionsResponse = z.object({ sessions: z.array(AccountSession) });
export const SessionParams = z.strictObject({ sessionId: Id });
export const ResidentParams = z.strictObject({ id: Id, userId: Id });

export const PresenceEntry = z.object({ userId: Id, isOnline: z.boolean(), lastSeenAt: IsoDate.nullable() });
export type PresenceEntry = z.infer<typeof PresenceEntry>;
export const PresenceResponse = z.object({ presence: z.array(PresenceEntry) });

/** `thread` absent means "circle"; typing in the team thread only reaches the care team. */
export const TypingPayload = z.strictObject({ circleId: Id, thread: MessageThread.optional() });
export type TypingPayload = z.infer<typeof TypingPayload>;
export const TypingEvent = z.object({ circleId: Id, userId: Id, name: z.string(), thread: MessageThread.default("circle") });
export type TypingEvent = z.infer<typeof TypingEvent>;
export const PresenceEvent = PresenceEntry.extend({ circleId: Id });
export type PresenceEvent = z.infer<typeof PresenceEvent>;
