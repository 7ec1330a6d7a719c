import type { Alert } from "@kring/protocol";
import { fakeId } from "./fake-socket";

/** An open Help alert raised by `raisedBy` in `circleId`, with whatever the test overrides. */
export function fakeAlert(base: { circleId: string; raisedBy: string }, overrides: Partial<Alert> = {}): Alert {
  return {
    id: fakeId(),
    circleId: base.circleId,
    kind: "help",
    status: "open",
    raisedBy: base.raisedBy,
    clientId: null,
    createdAt: "2026-11-24T10:00:00.000Z",
    paged: [],
    claimedBy: null,
    claimedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    note: null,
    history: [{ type: "raised", at: "2026-11-24T10:00:00.000Z", userId: base.raisedBy }],
    ...overrides,
  };
}
