import { ConfigError } from "@kring/config";
import { createLogger, type Logger } from "@kring/logger";

/**
 * The life of a Kring process, the same for the server and the worker: read the config (a bad one
 * says which variable to fix and exits 1), start, log unhandled rejections instead of dying (an
 * alarm service must not fall over for one forgotten promise), and on SIGTERM/SIGINT stop once,
 * gracefully, then exit 0. A failed start exits 1 with the reason on stderr.
 */
export function runMain<Config>(options: {
  /** "server" or "worker", for the messages. */
  name: string;
  loadConfig: () => Config;
  /** Connects and starts; resolves to the graceful stop. */
  start: (context: { config: Config; logger: Logger }) => Promise<{ stop: () => Promise<void> }>;
}): void {
  const logger = createLogger();
  process.on("unhandledRejection", (reason) => logger.error("unhandled promise rejection", reason));

  const fail = (message: string): never => {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  };

  let config: Config;
  try {
    config = options.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`${error.message}\nStart Kring with \`npm start\`, which sets these for you.`);
    throw error;
  }

  options.start({ config, logger }).then(
    (running) => {
      let isStopping = false;
      const stop = async (signal: string) => {
        if (isStopping) return;
        isStopping = true;
        logger.info(`${options.name} stopping`, { signal });
        await running.stop();
        logger.info(`${options.name} stopped`);
        process.exit(0);
      };
      process.on("SIGTERM", () => void stop("SIGTERM"));
      process.on("SIGINT", () => void stop("SIGINT"));
    },
    (error: unknown) => fail(`Kring ${options.name} failed to start: ${error instanceof Error ? error.message : String(error)}`),
  );
}
