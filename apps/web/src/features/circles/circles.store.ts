import {
  type CircleWithUnread,
  type Member,
  type MessageThread,
  type PresenceEntry,
  type PresenceEvent,
} from "@kring/protocol";
import { create } from "zustand";
import { api } from "../../lib/api";
import { CirclesResponse, MembersResponse } from "../../lib/answer-shapes";
import { readStored, writeStored } from "../../lib/storage";

type LoadState = "idle" | "loading" | "loaded" | "failed";

type CirclesState = {
  circles: CircleWithUnread[];
  loadState: LoadState;
  membersByCircle: Record<string, Member[]>;
  presenceByCircle: Record<string, Record<string, PresenceEntry>>;
  /** The circle whose conversation is on screen: its new messages are read, not unread. */
  visibleCircleId: string | undefined;
  /** Which of its threads is on screen (a team message while the circle thread shows is unread). */
  visibleThread: MessageThread;
  /** Where this user's circle list is cached, so a tablet that reloads offline still shows its buttons. */
  cacheKey: string | undefined;
  hydrate(userId: string): void;
  loadCircles(): Promise<void>;
  loadMembers(circleId: string): Promise<Member[]>;
  /** Reloads the member list when someone in it is unknown (they joined after it was loaded). */
  ensureMembers(circleId: string, userIds: Array<string | null>): void;
  applyPresence(event: PresenceEvent): void;
  setUnread(circleId: string, unread: number, thread?: MessageThread): void;
  addUnread(circleId: string, thread?: MessageThread): void;
  setVisibleCircle(circleId: string | undefined, thread?: MessageThread): void;
  reset(): void;
};

const initialState = {
  circles: [] as CircleWithUnread[],
  loadState: "idle" as LoadState,
  membersByCircle: {} as Record<string, Member[]>,
  presenceByCircle: {} as Record<string, Record<string, PresenceEntry>>,
  visibleCircleId: undefined as string | undefined,
  visibleThread: "circle" as MessageThread,
  cacheKey: undefined as string | undefined,
};

function parseCachedCircles(value: unknown): CircleWithUnread[] | undefined {
  const parsed = CirclesResponse.safeParse({ circles: value });
  return parsed.success ? parsed.data.circles : undefined;
}

/** Unknown members we already reloaded the list for: someone who left stays unknown, once. */
const requestedMembers = new Set<string>();

export const useCirclesStore = create<CirclesState>()((set, get) => ({
  ...initialState,

  hydrate(userId) {
    const cacheKey = `kring.circles.${userId}`;
    if (get().cacheKey === cacheKey) return;
    const cached = readStored(cacheKey, parseCachedCircles);
    set({ ...initialState, cacheKey, ...(cached ? { circles: cached, loadState: "loaded" as const } : {}) });
  },

  async loadCircles() {
    set((state) => ({ loadState: state.loadState === "loaded" ? "loaded" : "loading" }));
    try {
      const { circles } = await api.get("/api/circles", CirclesResponse);
      const { visibleCircleId, visibleThread } = get();
      set({ circles: circles.map((c) => (c.id === visibleCircleId ? withUnread(c, 0, visibleThread) : c)), loadState: "loaded" });
      const { cacheKey } = get();
      if (cacheKey !== undefined) writeStored(cacheKey, circles);
    } catch (error) {
      set((state) => ({ loadState: state.loadState === "loaded" ? "loaded" : "failed" }));
      throw error;
    }
  },

  async loadMembers(circleId) {
    const { members } = await api.get(`/api/circles/${circleId}/members`, MembersResponse);
    set((state) => ({ membersByCircle: { ...state.membersByCircle, [circleId]: members } }));
    return members;
  },

  ensureMembers(circleId, userIds) {
    const members = get().membersByCircle[circleId];
    const unknown = userIds.filter((id): id is string => id !== null && !members?.some((m) => m.userId === id));
    const fresh = unknown.filter((id) => !requestedMembers.has(`${circleId}:${id}`));
    if (fresh.length === 0) return;
    for (const id of fresh) requestedMembers.add(`${circleId}:${id}`);
    void get().loadMembers(circleId).catch(() => undefined);
  },

  applyPresence(event) {
    const { circleId, ...entry } = event;
    set((state) => ({
      presenceByCircle: {
        ...state.presenceByCircle,
        [circleId]: { ...state.presenceByCircle[circleId], [entry.userId]: entry },
      },
    }));
    // Someone who joined after the member list was loaded comes online: learn their name.
    if (get().membersByCircle[circleId]) get().ensureMembers(circleId, [entry.userId]);
  },

  setUnread(circleId, unread, thread = "circle") {
    set((state) => ({ circles: state.circles.map((c) => (c.id === circleId ? withUnread(c, unread, thread) : c)) }));
  },

  addUnread(circleId, thread = "circle") {
    const { visibleCircleId, visibleThread } = get();
    if (visibleCircleId === circleId && visibleThread === thread) return;
    set((state) => ({
      circles: state.circles.map((c) => (c.id === circleId ? withUnread(c, unreadOf(c, thread) + 1, thread) : c)),
    }));
  },

  setVisibleCircle(circleId, thread = "circle") {
    set({ visibleCircleId: circleId, visibleThread: thread });
  },

  reset() {
    set(initialState);
  },
}));

/** A thread's unread count; the team's is absent for members who may not read it. */
export function unreadOf(circle: CircleWithUnread, thread: MessageThread): number {
  return thread === "team" ? (circle.unreadTeam ?? 0) : circle.unread;
}

function withUnread(circle: CircleWithUnread, unread: number, thread: MessageThread): CircleWithUnread {
  if (thread === "circle") return { ...circle, unread };
  // Never invent a team count for someone the server gave none (a resident).
  return circle.unreadTeam === undefined ? circle : { ...circle, unreadTeam: unread };
}

/** A member's display name, or undefined while the member list has not loaded. */
export function memberName(members: Member[] | undefined, userId: string | null): string | undefined {
  if (userId === null) return undefined;
  return members?.find((m) => m.userId === userId)?.name;
}

/** The circle a resident lives in: resident mode shows it and nothing else. */
export function findResidentCircle(circles: CircleWithUnread[]): CircleWithUnread | undefined {
  // Someone who is also family or staff elsewhere gets the full app; resident mode is for people
  // whose only role is resident (a paired tablet, or a resident who was given an account).
  if (circles.length === 0 || circles.some((c) => c.myRole !== "resident")) return undefined;
  return circles[0];
}
