import { occurrenceFor, planFor, seesOccurrence, seesPlan, type MembershipRepository, type RealtimePublisher, type VisitsPublisher } from "@kring/domain";
import type { ServerToClientEvents } from "@kring/protocol";
import { circleRoom, userRoom } from "./rooms";

/**
 * Anything that can emit a server event to a room: a Socket.IO server (on a server node, where the
 * Redis adapter carries it to every node) or the Socket.IO Redis emitter (in the worker). Both have
 * `to(room).emit(event, ...args)`.
 */
export type RoomEmitter = {
  to(room: string): { emit(event: keyof ServerToClientEvents & string, ...args: unknown[]): unknown };
};

/**
 * One publisher of the domain's realtime facts for both processes: what goes to which room.
 *
 * `plan:update` and `occurrence:update` go to the circle's room like `alert:update`. A volunteer is in
 * no circle room (issue #11), so with `memberships` each volunteer of the circle gets, in their own
 * user room, what they may see of the change: an open or own plan or occurrence, without notes;
 * nothing about anyone else's. (The circle's members are a slot list read by key, cached where the
 * caller passes a cached reader; a change of a visit is a person's action, rare next to messages.)
 */
export function createRoomPublisher(
  target: RoomEmitter,
  options: { memberships?: Pick<MembershipRepository, "listForCircle">; onError?: (error: unknown) => void } = {},
): RealtimePublisher & VisitsPublisher {
  function toVolunteers(circleId: string, send: (volunteerId: string) => void) {
    if (!options.memberships) return;
    options.memberships
      .listForCircle(circleId)
      .then((members) => members.filter((member) => member.role === "volunteer").forEach((member) => send(member.userId)))
      .catch((error: unknown) => options.onError?.(error));
  }
  return {
    alertUpdated(alert) {
      target.to(circleRoom(alert.circleId)).emit("alert:update", alert);
    },
    notify(userId, notification) {
      target.to(userRoom(userId)).emit("notification", notification);
    },
    planUpdated(event) {
      target.to(circleRoom(event.plan.circleId)).emit("plan:update", event);
      toVolunteers(event.plan.circleId, (userId) => {
        const viewer = { userId, role: "volunteer" as const };
        if (seesPlan(viewer, event.plan)) target.to(userRoom(userId)).emit("plan:update", { ...event, plan: planFor(viewer, event.plan) });
      });
    },
    occurrenceUpdated(occurrence) {
      target.to(circleRoom(occurrence.circleId)).emit("occurrence:update", { occurrence });
      toVolunteers(occurrence.circleId, (userId) => {
        const viewer = { userId, role: "volunteer" as const };
        if (seesOccurrence(viewer, occurrence)) target.to(userRoom(userId)).emit("occurrence:update", { occurrence: occurrenceFor(viewer, occurrence) });
      });
    },
  };
}
