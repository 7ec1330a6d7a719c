import type { Message } from "@kring/protocol";
import { DomainError, DuplicateKeyError } from "../errors";
import type { MessageCache, MessageRepository, MessageThread, ReadMarkerRepository } from "./messages.ports";

export type MessageLogDependencies = {
  messages: MessageRepository;
  messageCache: MessageCache;
  readMarkers: ReadMarkerRepository;
  now: () => Date;
};

export type AppendResult = { message: Message; isNew: boolean };

/** How many seqs a send tries before answering `unavailable` (each try means another message won one). */
const SEQ_RETRIES = 50;

/**
 * A circle thread's messages as a log addressed by key: message n lives at `<circle>:<thread>:<n>`.
 *
 * The invariant everything rests on: **the committed seqs of a thread are always the gap-free
 * prefix 1..N.** A seq is only ever tried as (a seq seen committed) + 1, and a try that fails on
 * the unique `_id` means that seq is committed too, so the next try is still "committed + 1". With
 * that, "is seq n stored?" is monotone in n: the newest seq is found by probing keys (exponential,
 * then binary search: O(log N) point reads), and every seq <= N can be read by its key.
 *
 * Redis holds a hint (the newest committed seq, only ever raised by a max-script after an insert
 * succeeded, hence a lower bound) and a bounded window of recent messages. Both are caches: a lost
 * hint is re-found by probing from 0, a missing window entry by a point read.
 */
export function createMessageLog(deps: MessageLogDependencies) {
  const { messages, messageCache } = deps;
  /** This node's newest committed seq per thread: saves the hint read on a send. Never moves back. */
  const lastSeqByThread = new Map<string, number>();
  const tailByThread = new Map<string, Promise<unknown>>();
  const threadKey = (circleId: string, thread: MessageThread) => `${circleId}:${thread}`;

  function remember(circleId: string, thread: MessageThread, seq: number) {
    const key = threadKey(circleId, thread);
    if ((lastSeqByThread.get(key) ?? 0) >= seq) return;
    // Bounded: it is only an optimisation, the keys are the truth.
    if (lastSeqByThread.size > 100_000) lastSeqByThread.clear();
    lastSeqByThread.set(key, seq);
  }

  /** Runs `task` after every earlier task for the same thread on this node. */
  function serialise<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tailByThread.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tailByThread.set(key, tail);
    void tail.then(() => {
      if (tailByThread.get(key) === tail) tailByThread.delete(key);
    });
    return run;
  }

  async function isStored(circleId: string, thread: MessageThread, seq: number): Promise<boolean> {
    return seq <= 0 || (await messages.findBySeq(circleId, seq, thread)) !== null;
  }

  /**
   * The newest stored seq, given that `known` is stored (or 0): doubles the step until a seq is
   * missing, then halves the gap. O(log N) point reads, never a scan.
   */
  async function probeNewest(circleId: string, thread: MessageThread, known: number): Promise<number> {
    let low = known;
    let step = 1;
    let high: number;
    for (;;) {
      const candidate = low + step;
      if (!(await isStored(circleId, thread, candidate))) {
        high = candidate;
        break;
      }
      low = candidate;
      step *= 2;
    }
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await isStored(circleId, thread, middle)) low = middle;
      else high = middle;
    }
    return low;
  }

  async function readHint(circleId: string, thread: MessageThread): Promise<number> {
    try {
      return (await messageCache.readHint(circleId, thread)) ?? 0;
    } catch {
      return 0; // Redis down: probe from the start, O(log N)
    }
  }

  /**
   * The newest committed seq: the Redis hint plus one point read that proves it current (the hint
   * lags only after a crash between an insert and its hint write, or after Redis lost it; then we
   * probe and raise it again).
   */
  async function newestSeq(circleId: string, thread: MessageThread = "circle"): Promise<number> {
    const hint = Math.max(await readHint(circleId, thread), lastSeqByThread.get(threadKey(circleId, thread)) ?? 0);
    if (!(await isStored(circleId, thread, hint + 1))) return hint;
    const newest = await probeNewest(circleId, thread, hint + 1);
    remember(circleId, thread, newest);
    messageCache.raiseHint(circleId, thread, newest).catch(() => undefined);
    return newest;
  }

  /**
   * The messages with fromSeq < seq <= toSeq, ascending. Every seq up to the newest exists, so the
   * window in Redis answers most of a recent page and a point read per seq fills the rest.
   */
  async function readRange(circleId: string, thread: MessageThread, afterSeq: number, toSeq: number): Promise<Message[]> {
    if (toSeq <= afterSeq) return [];
    let cached = new Map<number, Message>();
    try {
      cached = await messageCache.recent(circleId, thread, afterSeq + 1, toSeq);
    } catch {
      // Redis is a cache; the keys are the truth.
    }
    const missing: number[] = [];
    for (let seq = afterSeq + 1; seq <= toSeq; seq += 1) if (!cached.has(seq)) missing.push(seq);
    const read = missing.length > 0 ? await messages.findBySeqs(circleId, missing, thread) : [];
    read.forEach((message) => {
      if (message) cached.set(message.seq, message);
    });
    const result: Message[] = [];
    for (let seq = afterSeq + 1; seq <= toSeq; seq += 1) {
      const message = cached.get(seq);
      if (message) result.push(message);
    }
    return result;
  }

  /**
   * A member's own send moves their read marker: whoever replies has seen what came before. The
   * own-send seq is kept in Redis (written by the same script as the window and the hint, so a send
   * costs no extra database write) and unread uses max(stored marker, own-send seq). Losing it with
   * Redis only makes an unread count include the member's own messages until their next read.
   */
  async function readMarker(circleId: string, userId: string, thread: MessageThread): Promise<number> {
    const [stored, own] = await Promise.all([
      deps.readMarkers.find(circleId, userId, thread),
      messageCache.readOwnSeq(circleId, thread, userId).catch(() => null),
    ]);
    return Math.max(stored, own ?? 0);
  }

  /** After a message is committed: the Redis window, hint and the sender's own-send seq. */
  async function afterCommit(message: Message, thread: MessageThread): Promise<void> {
    remember(message.circleId, thread, message.seq);
    await messageCache.remember(message, thread).catch(() => undefined);
  }

  const isFromSender = (message: Message | null, senderId: string, clientId: string) =>
    message !== null && (message.senderId === senderId || message.deleted === true) && message.clientId === clientId;

  /**
   * Stores a message once per (circle, thread, sender, clientId), at the next seq.
   *
   * Idempotency without a scan, safe against a crash at any point and against the same clientId
   * being sent on two nodes at once (a resend after a reconnect while the first try is in flight):
   * a clientId owns a chain of claim documents, generation 0, 1, 2… (`<circle>:<thread>:<sender>:
   * <g>:<clientId>` → seq). Rules:
   *  1. A message for the clientId is only ever inserted at the seq its claim of that generation
   *     names, and only after that claim is stored.
   *  2. Claim g+1 is only created after someone saw seq(g) taken by *another* message.
   *  3. Whoever finds claim g stored (their own or another node's) inserts the message at seq(g)
   *     if nobody did: both writers insert the same clientId at the same key, the unique `_id`
   *     lets exactly one through, and the loser reads it back and answers with it (isNew false).
   * Hence at most one seq ever holds this clientId (rule 2 moves on only when seq(g) holds another
   * message, which stays there: a tombstone keeps its sender and clientId), and a crash between
   * any two writes leaves either a claim whose seq the next try fills (rule 3) or a committed
   * message the next try finds (its claim names it). Acknowledged means the message insert
   * succeeded (j:true), so nothing acknowledged is lost.
   *
   * The usual send is one round trip: claim 0 and the message in one ordered insertMany.
   */
  /** A person's message, or a line Kring writes itself (`kind: "system"`, issue #9). */
  type LogInput = { circleId: string; senderId: string; clientId: string; body: string } & Pick<Message, "kind" | "system">;

  async function appendUnserialised(
    input: LogInput,
    thread: MessageThread,
  ): Promise<AppendResult> {
    const { circleId, senderId, clientId } = input;
    let lastTried = 0;
    let isFresh = false;
    for (let generation = 0; generation < SEQ_RETRIES; generation += 1) {
      const claim = { circleId, thread, senderId, clientId, generation };
      const cached = lastSeqByThread.get(threadKey(circleId, thread));
      const newest = cached === undefined || isFresh ? await newestSeq(circleId, thread) : cached;
      const proposal = Math.max(newest + 1, lastTried + 1);
      const fast = await messages.insertWithClaim({ ...input, seq: proposal, createdAt: deps.now() }, claim);
      if (fast.outcome === "inserted") {
        await afterCommit(fast.message, thread);
        return { message: fast.message, isNew: true };
      }
      lastTried = Math.max(lastTried, proposal);
      isFresh = true;
      if (fast.outcome === "seq_taken") {
        // Our claim names a seq another message holds (it is committed): next generation.
        remember(circleId, thread, proposal);
        continue;
      }
      // Claim g exists already: a resend, or the same clientId in flight on another node.
      const seq = await messages.findClientIdClaim(claim);
      if (seq === null) throw new Error(`claim ${generation} of ${clientId} reported taken but not found`);
      lastTried = Math.max(lastTried, seq);
      const existing = await messages.findBySeq(circleId, seq, thread);
      if (isFromSender(existing, senderId, clientId)) return { message: existing!, isNew: false };
      if (existing) continue; // seq(g) holds another message: rule 2
      try {
        const message = await messages.insert({ ...input, seq, createdAt: deps.now() }, thread);
        await afterCommit(message, thread);
        return { message, isNew: true };
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        const raced = await messages.findBySeq(circleId, seq, thread);
        if (isFromSender(raced, senderId, clientId)) return { message: raced!, isNew: false };
        remember(circleId, thread, seq);
      }
    }
    throw new DomainError("unavailable", "The circle is very busy; please send again.");
  }

  return {
    newestSeq,
    readRange,

    /** Serialised per thread on this node, so this node never races itself for a seq. */
    append(
      input: LogInput,
      thread: MessageThread = "circle",
    ): Promise<AppendResult> {
      return serialise(threadKey(input.circleId, thread), () => appendUnserialised(input, thread));
    },

    /** Unread = newest seq − the member's read marker (clamped): arithmetic, never a count of documents. */
    async unreadCount(circleId: string, userId: string, thread: MessageThread = "circle"): Promise<number> {
      const [newest, marker] = await Promise.all([newestSeq(circleId, thread), readMarker(circleId, userId, thread)]);
      return Math.max(0, newest - Math.min(marker, newest));
    },
  };
}
export type MessageLog = ReturnType<typeof createMessageLog>;
