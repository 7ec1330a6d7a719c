/** A growable list of latency samples in milliseconds; a typed array keeps 100k+ samples cheap. */
export class Samples {
  private values = new Float64Array(1024);
  private size = 0;

  add(value: number) {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size] = value;
    this.size += 1;
  }

  get count() {
    return this.size;
  }

  /** Nearest-rank percentiles over every sample (no averaging of per-window percentiles). */
  summary(): LatencySummary {
    if (this.size === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
    const sorted = this.values.slice(0, this.size).sort();
    const at = (p: number) => sorted[Math.min(this.size - 1, Math.max(0, Math.ceil((p / 100) * this.size) - 1))]!;
    let sum = 0;
    for (const value of sorted) sum += value;
    return { count: this.size, p50: at(50), p95: at(95), p99: at(99), max: sorted[this.size - 1]!, mean: sum / this.size };
  }

  clear() {
    this.size = 0;
  }
}

export type LatencySummary = { count: number; p50: number; p95: number; p99: number; max: number; mean: number };

/** Runs fn over items with at most `limit` in flight; stops starting new ones after the first failure. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  onDone?: (doneCount: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failure ??= error;
        return;
      }
      done += 1;
      onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}

/** Calls log at every 10% step of total (once per step), for long setup phases. */
export function progressEvery10(label: string, total: number, log: (line: string) => void) {
  let lastStep = 0;
  const started = performance.now();
  return (done: number) => {
    const step = Math.floor((done / total) * 10);
    if (step <= lastStep) return;
    lastStep = step;
    const seconds = (performance.now() - started) / 1000;
    log(`${label}: ${done}/${total} (${step * 10}%) in ${seconds.toFixed(1)} s`);
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
