/** What one bench run does; the defaults are the issue's target load. */
export type BenchOptions = {
  clients: number;
  circleSize: number;
  /** Messages per second over all clients together. */
  rate: number;
  durationSeconds: number;
  /** Concurrent requests while registering users and building circles. */
  setupConcurrency: number;
  /** Concurrent socket handshakes. */
  connectConcurrency: number;
  /** How long after the last send we still wait for acks and deliveries. */
  drainSeconds: number;
  /** Which targets to run; both by default so the ratio is printed. */
  targets: Array<"kring" | "relay">;
  isQuick: boolean;
  /** Messages stored across the circles before the load (issue #7: cost must not grow with it). */
  preload: number;
  /** Samples of each read (circles list, history pages, sync, read marker) after the load. */
  readSamples: number;
};

export const DEFAULT_OPTIONS: BenchOptions = {
  clients: 2000,
  circleSize: 10,
  rate: 200,
  durationSeconds: 60,
  setupConcurrency: 8,
  connectConcurrency: 50,
  drainSeconds: 3,
  targets: ["kring", "relay"],
  isQuick: false,
  preload: 0,
  readSamples: 200,
};

const QUICK: Partial<BenchOptions> = { clients: 200, circleSize: 10, rate: 50, durationSeconds: 10, isQuick: true };

export const USAGE = `Usage: npm run bench -- [options]

  --clients N        sockets (one user each)             default ${DEFAULT_OPTIONS.clients}
  --circle-size N    members per circle                  default ${DEFAULT_OPTIONS.circleSize}
  --rate N           messages per second, all clients    default ${DEFAULT_OPTIONS.rate}
  --duration S       seconds of load per target          default ${DEFAULT_OPTIONS.durationSeconds}
  --quick            200 clients, 20 circles, 50 msg/s, 10 s
  --only kring|relay run one target instead of both
  --preload N        store N messages across the circles before the load   default 0
  --read-samples N   samples of each read measured after the load         default ${DEFAULT_OPTIONS.readSamples}
  --setup-concurrency N, --connect-concurrency N, --drain S
  --help
`;

export class UsageError extends Error {}

function positiveInt(flag: string, raw: string | undefined): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isInteger(value) || value <= 0) {
    throw new UsageError(`${flag} needs a positive whole number, got ${raw === undefined ? "nothing" : `"${raw}"`}`);
  }
  return value;
}

/** --quick sets its values first, so `--quick --rate 80` means the quick run at 80 msg/s. */
export function parseOptions(argv: readonly string[]): BenchOptions | "help" {
  const options: BenchOptions = { ...DEFAULT_OPTIONS };
  if (argv.includes("--quick")) Object.assign(options, QUICK);
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes("=") ? (flag.split("=", 2) as [string, string]) : [flag, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (name) {
      case "--quick":
        break;
      case "--help":
      case "-h":
        return "help";
      case "--clients":
        options.clients = positiveInt(name, value());
        break;
      case "--circle-size":
        options.circleSize = positiveInt(name, value());
        break;
      case "--rate":
        options.rate = positiveInt(name, value());
        break;
      case "--duration":
        options.durationSeconds = positiveInt(name, value());
        break;
      case "--setup-concurrency":
        options.setupConcurrency = positiveInt(name, value());
        break;
      case "--connect-concurrency":
        options.connectConcurrency = positiveInt(name, value());
        break;
      case "--preload": {
        const raw = value();
        const count = Number(raw);
        if (raw === undefined || !Number.isInteger(count) || count < 0) throw new UsageError(`--preload needs a whole number >= 0, got "${raw}"`);
        options.preload = count;
        break;
      }
      case "--read-samples":
        options.readSamples = positiveInt(name, value());
        break;
      case "--drain":
        options.drainSeconds = positiveInt(name, value());
        break;
      case "--only": {
        const target = value();
        if (target !== "kring" && target !== "relay") throw new UsageError(`--only takes kring or relay, got "${target}"`);
        options.targets = [target];
        break;
      }
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (options.circleSize < 2) throw new UsageError("--circle-size must be at least 2: a circle of one delivers nothing");
  if (options.clients % options.circleSize !== 0) {
    throw new UsageError(`--clients (${options.clients}) must be a multiple of --circle-size (${options.circleSize})`);
  }
  return options;
}
