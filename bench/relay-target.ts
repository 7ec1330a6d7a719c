import { randomBytes } from "node:crypto";
import path from "node:path";
import type { BenchOptions } from "./cli-options";
import { findDescendant, spawnChild } from "./child-process";
import { type BenchCircle, type RunningTarget, watchServerLog } from "./target";

/** Starts bench/bare-relay.main.ts and waits for the line with its port. */
export async function startRelay(input: {
  repoRoot: string;
  options: BenchOptions;
  /** Kring's circle ids when Kring ran first, so both see byte-identical payloads. */
  circleIds: string[] | undefined;
  log: (line: string) => void;
}): Promise<RunningTarget> {
  const { options } = input;
  const child = spawnChild(process.execPath, [require.resolve("tsx/cli"), path.join(input.repoRoot, "bench/bare-relay.main.ts")], {
    cwd: input.repoRoot,
    env: { ...process.env, PORT: "0", NODE_ENV: "production" },
  });
  const serverLog = watchServerLog(child.onLine);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare relay did not start in 30 s:\n${child.outputTail()}`)), 30_000);
    child.onLine((line) => {
      try {
        const parsed = JSON.parse(line) as { event?: string; port?: number };
        if (parsed.event === "listening" && typeof parsed.port === "number") {
          clearTimeout(timer);
          resolve(parsed.port);
        }
      } catch {
        // Other output is kept in the tail for errors.
      }
    });
    void child.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`bare relay exited during start:\n${child.outputTail()}`));
    });
  }).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });

  const circleCount = options.clients / options.circleSize;
  const circles: BenchCircle[] = Array.from({ length: circleCount }, (_, c) => ({
    circleId: input.circleIds?.[c] ?? randomBytes(12).toString("hex"),
    members: Array.from({ length: options.circleSize }, () => ({ token: undefined })),
  }));
  const serverPid = findDescendant(child.pid);
  input.log(`Bare relay: listening on 127.0.0.1:${port} (pid ${serverPid})`);
  return {
    name: "Bare relay",
    url: `http://127.0.0.1:${port}`,
    serverPid,
    circles,
    joinsRoomsItself: true,
    serverLog,
    stop: () => child.stop(),
  };
}
