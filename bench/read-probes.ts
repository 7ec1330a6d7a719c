import type { Message } from "@kring/protocol";
import type { Socket } from "socket.io-client";
import { createHttp } from "./kring-target";
import { connectOne } from "./load-client";
import { type LatencySummary, Samples } from "./stats";
import type { RunningTarget } from "./target";

type Log = (line: string) => void;

type ReadProbeResult = Record<ReadProbe, LatencySummary> & {
  /** Mean messages each sync answered: with few stored, a circle may hold fewer than asked for. */
  syncReturnedMean: { sync100: number; sync50: number };
};
type ReadProbe = "circles" | "history" | "olderHistory" | "sync100" | "sync50" | "read";

const READ_PROBE_LABELS: Record<ReadProbe, string> = {
  circles: "`GET /api/circles`",
  history: "newest history page (50)",
  olderHistory: "older history page (50, mid-history: point reads)",
  sync100: "`message:sync` of 100 (the newest 100)",
  sync50: "`message:sync` of 50 (the newest 50: the same answer at any volume)",
  read: "`message:read`",
};

/**
 * After the load: one request at a time (latency, not throughput), cycling over the circles so
 * every sample hits another circle and member. The newest pages come mostly from the Redis window;
 * the older page is the point-read path.
 */
export async function runReadProbes(target: RunningTarget, samplesPerProbe: number, log: Log): Promise<ReadProbeResult> {
  const request = createHttp(target.url);
  const samples: Record<ReadProbe, Samples> = {
    circles: new Samples(),
    history: new Samples(),
    olderHistory: new Samples(),
    sync100: new Samples(),
    sync50: new Samples(),
    read: new Samples(),
  };
  const timed = async <T>(probe: ReadProbe, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    samples[probe].add(performance.now() - started);
    return result;
  };
  const sockets = new Map<string, Socket>();
  const syncReturned = { sync100: 0, sync50: 0 };
  log(`reads: ${samplesPerProbe} samples of each of ${Object.keys(samples).length} reads, one at a time`);
  try {
    for (let i = 0; i < samplesPerProbe; i += 1) {
      const circle = target.circles[i % target.circles.length]!;
      const member = circle.members[Math.floor(i / target.circles.length) % circle.members.length]!;
      const token = member.token!;
      let socket = sockets.get(token);
      if (!socket) {
        socket = await connectOne(target.url, token);
        sockets.set(token, socket);
      }
      const circles = await timed("circles", () => request<{ circles: unknown[] }>("GET", "/api/circles", undefined, token));
      if (circles.status !== 200) throw new Error(`GET /api/circles: HTTP ${circles.status}`);
      const page = await timed("history", () => request<{ messages: Message[] }>("GET", `/api/circles/${circle.circleId}/messages`, undefined, token));
      if (page.status !== 200) throw new Error(`history: HTTP ${page.status}`);
      const newest = page.body.messages.at(-1)?.seq ?? 0;
      const middle = Math.max(1, Math.floor(newest / 2));
      await timed("olderHistory", () => request("GET", `/api/circles/${circle.circleId}/messages?beforeSeq=${middle}`, undefined, token));
      // The newest `count` by sync. With nothing preloaded a circle holds ~60 messages, so the sync
      // of 100 answers fewer there than with a long history; the sync of 50 answers 50 in every run.
      const syncNewest = async (probe: "sync100" | "sync50", count: number) => {
        const sync = (await timed(probe, () =>
          socket.timeout(30_000).emitWithAck("message:sync", { circleId: circle.circleId, afterSeq: Math.max(0, newest - count), limit: count }),
        )) as { ok: boolean; messages?: unknown[] };
        if (!sync.ok) throw new Error(`message:sync failed: ${JSON.stringify(sync).slice(0, 200)}`);
        syncReturned[probe] += sync.messages?.length ?? 0;
      };
      await syncNewest("sync100", 100);
      await syncNewest("sync50", 50);
      await timed("read", () => socket.timeout(30_000).emitWithAck("message:read", { circleId: circle.circleId, seq: newest }));
    }
  } finally {
    for (const socket of sockets.values()) socket.disconnect();
  }
  const summaries = Object.fromEntries(Object.entries(samples).map(([probe, s]) => [probe, s.summary()])) as Record<ReadProbe, LatencySummary>;
  const mean = (total: number) => (samplesPerProbe > 0 ? total / samplesPerProbe : 0);
  return { ...summaries, syncReturnedMean: { sync100: mean(syncReturned.sync100), sync50: mean(syncReturned.sync50) } };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "–");

export function readProbeTable(input: { preloaded: number; preloadSeconds: number; sizeBytes: number | undefined; reads: ReadProbeResult }): string {
  const rows = (Object.keys(READ_PROBE_LABELS) as ReadProbe[]).map(
    (probe) => `| ${READ_PROBE_LABELS[probe]} | ${ms(input.reads[probe].p50)} | ${ms(input.reads[probe].p99)} |`,
  );
  const size = input.sizeBytes === undefined ? "–" : `${(input.sizeBytes / 1024 / 1024).toFixed(1)} MB`;
  return [
    `Reads after the load, with ${input.preloaded} preloaded messages (seeded in ${input.preloadSeconds.toFixed(1)} s); database size on disk ${size}`,
    "",
    "| Read | p50 | p99 |",
    "|---|---|---|",
    ...rows,
    "",
    // With nothing preloaded a circle holds only what the load sent (~60 messages), so its sync answers
    // fewer messages than with a long history: compare the two runs knowing that.
    `\`message:sync\` of 100 answered ${input.reads.syncReturnedMean.sync100.toFixed(1)} messages on average, of 50: ${input.reads.syncReturnedMean.sync50.toFixed(1)}.`,
  ].join("\n");
}
