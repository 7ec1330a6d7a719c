import * as protocol from "@kring/protocol";
import { z } from "zod";
import * as shapes from "./answer-shapes";
import type { Shape, ShapeDef } from "./shape";

// The tablet parses server answers with the light shapes of answer-shapes.ts; the server and the
// staff screens use the zod schemas of @kring/protocol. These tests fail as soon as the two differ:
// in what they describe (as JSON Schema) and in what they make of the same inputs.

const pairs: Array<[name: string, shape: Shape<unknown>, schema: z.ZodType]> = [
  ["ErrorResponse", shapes.ErrorResponse, protocol.ErrorResponse],
  ["User", shapes.User, protocol.User],
  ["CirclesResponse", shapes.CirclesResponse, protocol.CirclesResponse],
  ["AccessTokenResponse", shapes.AccessTokenResponse, protocol.AccessTokenResponse],
  ["PairDeviceResponse", shapes.PairDeviceResponse, protocol.PairDeviceResponse],
  ["ResidentProfileResponse", shapes.ResidentProfileResponse, protocol.ResidentProfileResponse],
  ["MembersResponse", shapes.MembersResponse, protocol.MembersResponse],
  ["FormerMembersResponse", shapes.FormerMembersResponse, protocol.FormerMembersResponse],
  ["MessagesResponse", shapes.MessagesResponse, protocol.MessagesResponse],
  ["AlertsResponse", shapes.AlertsResponse, protocol.AlertsResponse],
  ["CheckinsResponse", shapes.CheckinsResponse, protocol.CheckinsResponse],
];

type JsonSchema = Record<string, unknown>;

/** A shape as JSON Schema, in the form of zod's `z.toJSONSchema` (output side). */
function toJsonSchema(def: ShapeDef): JsonSchema {
  switch (def.kind) {
    case "string":
      return def.pattern ? { type: "string", pattern: def.pattern.source } : { type: "string" };
    case "integer":
      return { type: "integer", minimum: def.min ?? Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };
    case "boolean":
      return def.only ? { type: "boolean", const: true } : { type: "boolean" };
    case "enum":
      return { type: "string", enum: [...def.values] };
    case "array":
      return { type: "array", items: toJsonSchema(def.item.def) };
    case "nullable":
      return { anyOf: [toJsonSchema(def.inner.def), { type: "null" }] };
    case "optional":
      return toJsonSchema(def.inner.def);
    case "default":
      return { default: def.value, ...toJsonSchema(def.inner.def) };
    case "object": {
      const entries = Object.entries(def.fields);
      const required = entries.filter(([, field]) => field.def.kind !== "optional").map(([key]) => key);
      return {
        type: "object",
        properties: Object.fromEntries(entries.map(([key, field]) => [key, toJsonSchema(field.def)])),
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
      };
    }
  }
}

/** zod writes a nullable plain type as `type: [t, "null"]`; the same thing as `anyOf`. */
function normalize(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalize);
  if (typeof schema !== "object" || schema === null) return schema;
  const { type, ...rest } = schema as JsonSchema;
  const normalized = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, normalize(value)]));
  if (Array.isArray(type)) return { ...normalized, anyOf: type.map((one: unknown) => ({ type: one })) };
  return type === undefined ? normalized : { type, ...normalized };
}

function zodJsonSchema(schema: z.ZodType): unknown {
  const { $schema: _, ...rest } = z.toJSONSchema(schema);
  return normalize(rest);
}

const id = (n: number) => n.toString(16).padStart(24, "0");

/** Answers as the server sends them, with optional fields both present and absent. */
const samples: Record<string, unknown> = {
  ErrorResponse: { error: { code: "conflict", message: "taken", retryAfterMs: 0, claimedBy: { userId: id(1), name: "Marie" } } },
  User: { id: id(1), email: "anna@example.org", name: "Anna" },
  CirclesResponse: {
    circles: [
      { id: id(2), name: "Anna", myRole: "family", unread: 3, unreadTeam: 1 },
      { id: id(3), name: "Jan", myRole: "resident", unread: 0 },
    ],
  },
  AccessTokenResponse: { token: "t", user: { id: id(1), email: "", name: "Anna" } },
  PairDeviceResponse: {
    token: "t",
    deviceToken: "d",
    user: { id: id(1), email: "", name: "Anna" },
    circle: { id: id(2), name: "Anna", myRole: "resident" },
  },
  ResidentProfileResponse: {
    profile: { userId: id(1), phone: "+32470123456", address: null, language: "fr", updatedAt: "2026-01-01T10:00:00.000Z" },
  },
  MembersResponse: {
    members: [
      { userId: id(1), name: "Anna", role: "resident", profile: { userId: id(1), phone: null, address: "Rue 1", language: null, updatedAt: null } },
      { userId: id(4), name: "Marie", role: "coordinator" },
    ],
  },
  FormerMembersResponse: { formerMembers: [{ userId: id(6), name: "Jan" }] },
  MessagesResponse: {
    messages: [
      { id: id(5), circleId: id(2), seq: 1, clientId: "c1", senderId: id(1), body: "Hello", createdAt: "2026-01-01T10:00:00.000Z" },
      {
        id: id(6),
        circleId: id(2),
        seq: 2,
        thread: "team",
        clientId: "c2",
        senderId: id(2),
        body: "Marie is on it",
        createdAt: "2026-01-01T10:01:00.000Z",
        kind: "system",
        system: { type: "alert_claimed", alertId: id(7), userId: id(4), name: "Marie", note: null },
      },
    ],
  },
  AlertsResponse: {
    alerts: [
      {
        id: id(7),
        circleId: id(2),
        kind: "help",
        status: "claimed",
        raisedBy: id(1),
        clientId: "h1",
        createdAt: "2026-01-01T10:00:00.000Z",
        paged: [{ userId: id(4), at: "2026-01-01T10:00:00.000Z" }],
        claimedBy: id(4),
        claimedAt: "2026-01-01T10:01:00.000Z",
        resolvedBy: null,
        resolvedAt: null,
        note: null,
        history: [
          { type: "raised", at: "2026-01-01T10:00:00.000Z", userId: id(1) },
          { type: "paged", at: "2026-01-01T10:00:00.000Z", userId: id(4), step: 0 },
        ],
      },
    ],
  },
  CheckinsResponse: { checkins: [{ date: "2026-01-01", at: "2026-01-01T08:00:00.000Z", by: id(1) }], today: "2026-01-01" },
};

const replacements: unknown[] = [undefined, null, 0, -1, 1.5, 2 ** 53, "x", id(9), "circle", "help", true, [], {}, { $ne: null }];

/** The sample with one value replaced (or removed: undefined), at every place in it, and with a stray key. */
function* variants(value: unknown): Generator<unknown> {
  yield value;
  for (const replacement of replacements) if (replacement !== undefined) yield replacement;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      for (const variant of variants(item)) yield value.map((other, at) => (at === index ? variant : other));
    }
  } else if (typeof value === "object" && value !== null) {
    yield { ...value, extra: "dropped" };
    for (const [key, item] of Object.entries(value)) {
      const { [key]: _, ...without } = value as Record<string, unknown>;
      yield without;
      for (const variant of variants(item)) yield { ...value, [key]: variant };
    }
  }
}

describe("answer shapes", () => {
  it.each(pairs)("%s describes what its @kring/protocol schema describes", (_name, shape, schema) => {
    expect(toJsonSchema(shape.def)).toEqual(zodJsonSchema(schema));
  });

  it.each(pairs)("%s accepts, rejects and outputs what its @kring/protocol schema does", (name, shape, schema) => {
    let accepted = 0;
    let rejected = 0;
    for (const input of variants(samples[name])) {
      const expected = schema.safeParse(input);
      const actual = shape.safeParse(input);
      expect({ input, success: actual.success }).toEqual({ input, success: expected.success });
      if (expected.success && actual.success) expect(actual.data).toStrictEqual(expected.data);
      if (expected.success) accepted += 1;
      else rejected += 1;
    }
    // The variants exercise both sides of every check.
    expect(accepted).toBeGreaterThan(1);
    expect(rejected).toBeGreaterThan(10);
  });

  it("fills in the thread of a message stored before the team thread, and drops unknown keys", () => {
    const [message] = shapes.MessagesResponse.parse({
      messages: [{ id: id(5), circleId: id(2), seq: 1, clientId: "c1", senderId: id(1), body: "Hi", createdAt: "2026-01-01", pinned: true }],
    }).messages;
    expect(message).toStrictEqual({ id: id(5), circleId: id(2), seq: 1, thread: "circle", clientId: "c1", senderId: id(1), body: "Hi", createdAt: "2026-01-01" });
  });

  it("throws on an answer of another shape, so api.ts reports bad_response", () => {
    expect(() => shapes.User.parse({ id: { $ne: null }, email: "", name: "Anna" })).toThrow();
    expect(() => shapes.CirclesResponse.parse(undefined)).toThrow();
    expect(shapes.CirclesResponse.safeParse({ circles: [{ id: id(2), name: "Anna", myRole: "family", unread: -1 }] }).success).toBe(false);
  });
});
