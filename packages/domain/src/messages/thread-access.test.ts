import type { MessageDigestJob } from "@kring/protocol";
import { createMessagesService } from "./messages.service";
import { createDigests } from "../notifications/notifications.service";
import { createInMemoryRepositories } from "../testing/in-memory-repositories";
import { canReadThread } from "./thread-access";

const circleId = "c".repeat(24);
const anna = "a".repeat(24);
const marie = "b".repeat(24);
const sofie = "d".repeat(24);

describe("canReadThread", () => {
  it("gives everyone the circle thread and only the care team the team thread", () => {
    expect(canReadThread("resident", "circle")).toBe(true);
    expect(canReadThread("resident", "team")).toBe(false);
    for (const role of ["family", "professional", "coordinator"] as const) expect(canReadThread(role, "team")).toBe(true);
  });
});

describe("digests and the team thread", () => {
  async function setup() {
    const repos = createInMemoryRepositories();
    const now = () => new Date("2026-11-24T10:00:00Z");
    await repos.memberships.add({ circleId, userId: anna, role: "resident", joinedAt: now() });
    await repos.memberships.add({ circleId, userId: marie, role: "family", joinedAt: now() });
    await repos.memberships.add({ circleId, userId: sofie, role: "coordinator", joinedAt: now() });
    const scheduled: MessageDigestJob[] = [];
    const digests = createDigests({
      ...repos,
      presence: { isOnline: async () => false },
      preferences: { find: async () => null, save: async () => undefined },
      digests: { scheduleDigest: async (job) => void scheduled.push(job) },
      queue: { enqueue: async () => undefined },
      now,
    });
    const messages = createMessagesService({ ...repos, now });
    return { digests, messages, scheduled };
  }

  it("never schedules or sends the resident a digest for care-team messages", async () => {
    const { digests, messages, scheduled } = await setup();
    await messages.sendMessage(sofie, { circleId, clientId: "t1", body: "dizziness", thread: "team" });

    expect(await digests.onCircleActivity({ circleId, windowStart: 0 })).toEqual({ scheduled: [marie] });
    expect(scheduled.map((job) => job.userId)).toEqual([marie]);
    expect(await digests.runDigest({ circleId, userId: anna, windowStart: 0 })).toEqual({ outcome: "nothing_unread" });
    expect(await digests.runDigest({ circleId, userId: marie, windowStart: 0 })).toEqual({ outcome: "sent" });

    // A message in her own thread does reach her digest.
    await messages.sendMessage(marie, { circleId, clientId: "c1", body: "Ik kom om 3 uur" });
    expect((await digests.onCircleActivity({ circleId, windowStart: 1 })).scheduled).toEqual([anna, marie, sofie]);
  });
});
