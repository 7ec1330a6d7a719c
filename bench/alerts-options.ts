import { UsageError } from "./cli-options";

/** What one alerts bench run does; the defaults are issue #3 item 9's load. */
export type AlertsOptions = {
  circles: number;
  /** Help alerts raised in total, spread round-robin over the circles. */
  alerts: number;
  /** The ladder's stepSeconds for every circle (the server accepts 5–3600). */
  stepSeconds: number;
  /** The raises are paced evenly over this many ms (0: all in one go). */
  spreadMs: number;
  /** Concurrent requests while registering users and building circles. */
  setupConcurrency: number;
  /** Concurrent socket handshakes. */
  connectConcurrency: number;
  /**
   * Seconds between the last socket connecting and the first raise. A real Help comes hours after
   * the tablet connected: above the 60 s and 2 min lifetimes of the unchecked caches, this measures
   * the first page as it is then, not right after a connect.
   */
  idleSeconds: number;
  isQuick: boolean;
};

const DEFAULT_ALERTS_OPTIONS: AlertsOptions = {
  circles: 100,
  alerts: 1000,
  stepSeconds: 10,
  spreadMs: 10_000,
  setupConcurrency: 8,
  connectConcurrency: 50,
  idleSeconds: 2,
  isQuick: false,
};

/** Issue #7's quick load: 200 alerts raised within 1 s (the default is its 1,000 within 10 s). */
const QUICK: Partial<AlertsOptions> = { circles: 40, alerts: 200, stepSeconds: 5, spreadMs: 1000, isQuick: true };

export const ALERTS_USAGE = `Usage: npm run bench:alerts -- [options]

  --circles N          circles (coordinator, 2 family, 1 resident each)   default ${DEFAULT_ALERTS_OPTIONS.circles}
  --alerts N           Help alerts raised, round-robin over the circles    default ${DEFAULT_ALERTS_OPTIONS.alerts}
  --step-seconds S     ladder step (family 1, then family 2), 5–3600       default ${DEFAULT_ALERTS_OPTIONS.stepSeconds}
  --spread-ms MS       raises paced evenly over this window (0: at once)   default ${DEFAULT_ALERTS_OPTIONS.spreadMs}
  --idle-seconds S     wait between connecting and the first raise         default ${DEFAULT_ALERTS_OPTIONS.idleSeconds}
                       (above 130, every cache but the checked ones has expired, as for a real Help)
  --quick              40 circles, 200 alerts within 1 s, 5 s steps
  --setup-concurrency N, --connect-concurrency N
  --help
`;

function wholeNumber(flag: string, raw: string | undefined, min: number): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${flag} needs a whole number ≥ ${min}, got ${raw === undefined ? "nothing" : `"${raw}"`}`);
  }
  return value;
}

/** --quick sets its values first, so `--quick --alerts 200` means the quick run with 200 alerts. */
export function parseAlertsOptions(argv: readonly string[]): AlertsOptions | "help" {
  const options: AlertsOptions = { ...DEFAULT_ALERTS_OPTIONS };
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
      case "--circles":
        options.circles = wholeNumber(name, value(), 1);
        break;
      case "--alerts":
        options.alerts = wholeNumber(name, value(), 1);
        break;
      case "--step-seconds":
        options.stepSeconds = wholeNumber(name, value(), 5);
        break;
      case "--spread-ms":
        options.spreadMs = wholeNumber(name, value(), 0);
        break;
      case "--idle-seconds":
        options.idleSeconds = wholeNumber(name, value(), 0);
        break;
      case "--setup-concurrency":
        options.setupConcurrency = wholeNumber(name, value(), 1);
        break;
      case "--connect-concurrency":
        options.connectConcurrency = wholeNumber(name, value(), 1);
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (options.stepSeconds > 3600) throw new UsageError("--step-seconds must be at most 3600 (the server's limit)");
  return options;
}
