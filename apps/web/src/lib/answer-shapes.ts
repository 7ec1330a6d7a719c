import type * as protocol from "@kring/protocol";
import { array, boolean, integer, isTrue, nullable, object, oneOf, optional, string, withDefault, type Shape } from "./shape";

// The server answers that code on the resident's tablet parses, as light shapes instead of the zod
// schemas of @kring/protocol (see shape.ts for why). Each has the name of its protocol schema and is
// typed with its protocol type; `answer-shapes.test.ts` fails when one differs from its schema. Code
// that only staff screens load (a lazy chunk) keeps parsing with @kring/protocol directly.

const Id = string(/^[0-9a-f]{24}$/);
const IsoDate = string();
const Role = oneOf(["resident", "family", "professional", "coordinator", "volunteer"]);
const MessageThread = oneOf(["circle", "team"]);

const ErrorBody = object({
  code: oneOf([
    "validation_failed",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "gone",
    "payload_too_large",
    "rate_limited",
    "unavailable",
    "internal",
  ]),
  message: string(),
  retryAfterMs: optional(integer(0)),
  claimedBy: optional(object({ userId: string(), name: string() })),
});
export const ErrorResponse: Shape<protocol.ErrorResponse> = object({ error: ErrorBody });

export const User: Shape<protocol.User> = object({ id: Id, email: string(), name: string() });

const circleFields = { id: Id, name: string(), myRole: Role };
const Circle: Shape<protocol.Circle> = object(circleFields);
const CircleWithUnread: Shape<protocol.CircleWithUnread> = object({
  ...circleFields,
  unread: integer(0),
  unreadTeam: optional(integer(0)),
});
export const CirclesResponse = object({ circles: array(CircleWithUnread) });

export const AccessTokenResponse = object({ token: string(), user: User });
export const PairDeviceResponse = object({ token: string(), deviceToken: string(), user: User, circle: Circle });

const ResidentProfile: Shape<protocol.ResidentProfile> = object({
  userId: Id,
  phone: nullable(string()),
  address: nullable(string()),
  language: nullable(oneOf(["nl", "fr", "en"])),
  updatedAt: nullable(IsoDate),
});
export const ResidentProfileResponse = object({ profile: ResidentProfile });

const Member: Shape<protocol.Member> = object({ userId: Id, name: string(), role: Role, profile: optional(ResidentProfile), hasPhoto: optional(boolean()) });
export const MembersResponse = object({ members: array(Member) });
/** The same answer read for the names of people who left (issue #11), for their past messages. */
export const FormerMembersResponse: Shape<protocol.FormerMembersResponse> = object({
  formerMembers: optional(array(object({ userId: Id, name: string() }))),
});

const Message: Shape<protocol.Message> = object({
  id: Id,
  circleId: Id,
  seq: integer(0),
  thread: withDefault(MessageThread, "circle"),
  clientId: string(),
  senderId: nullable(Id),
  body: string(),
  createdAt: IsoDate,
  kind: optional(oneOf(["system"])),
  system: optional(
    object({
      type: oneOf(["alert_raised", "alert_claimed", "alert_resolved"]),
      alertId: Id,
      userId: nullable(Id),
      name: string(),
      note: optional(nullable(string())),
    }),
  ),
  deleted: optional(isTrue()),
});
export const MessagesResponse = object({ messages: array(Message) });

const Alert: Shape<protocol.Alert> = object({
  id: Id,
  circleId: Id,
  kind: oneOf(["help", "call_me", "missed_checkin", "missed_visit"]),
  status: oneOf(["open", "claimed", "resolved", "unanswered"]),
  raisedBy: nullable(Id),
  clientId: nullable(string()),
  createdAt: IsoDate,
  paged: array(object({ userId: Id, at: IsoDate })),
  claimedBy: nullable(Id),
  claimedAt: nullable(IsoDate),
  resolvedBy: nullable(Id),
  resolvedAt: nullable(IsoDate),
  note: nullable(string()),
  history: array(
    object({
      type: oneOf(["raised", "paged", "unanswered", "claimed", "resolved"]),
      at: IsoDate,
      userId: nullable(Id),
      step: optional(integer()),
    }),
  ),
  occurrenceId: optional(string()),
});
export const AlertsResponse = object({ alerts: array(Alert) });

export const CheckinsResponse: Shape<protocol.CheckinsResponse> = object({
  checkins: array(object({ date: string(), at: IsoDate, by: Id })),
  today: string(),
});

/** So that `User` names both the type and its shape where code needs both, as with @kring/protocol. */
export type User = protocol.User;
