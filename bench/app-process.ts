import { NODE_PROCESS_FLAGS } from "@kring/config";

/**
 * The node arguments that run a Kring app's main.ts as production runs it: with the server's and
 * worker's V8 flags (NODE_PROCESS_FLAGS, packages/config), and tsx as a loader inside that one node
 * process (its CLI would start a child without the flags). Extra flags for a measurement come from
 * KRING_BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (node refuses --cpu-prof in
 * NODE_OPTIONS).
 */
export function appNodeArgs(script: string): string[] {
  const extra = (process.env.KRING_BENCH_NODE_ARGS ?? "").split(" ").filter((arg) => arg !== "");
  return [...NODE_PROCESS_FLAGS, ...extra, "--import", "tsx", script];
}
