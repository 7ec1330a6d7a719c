import { DomainError } from "@kring/domain";
import type { AckError } from "@kring/protocol";
import { toErrorBody } from "../http/errors";
import type { Logger } from "@kring/logger";

/**
 * Wraps a socket event handler: ignores events sent without an ack callback (there is
 * nobody to answer), and turns every failure into `{ok:false, error}` instead of a crash.
 */
export function withAck<R extends object>(
  logger: Logger,
  handle: (payload: unknown) => Promise<R>,
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => {
    if (typeof ack !== "function") return;
    const reply = ack as (response: ({ ok: true } & R) | AckError) => void;
    handle(payload).then(
      (result) => reply({ ok: true, ...result }),
      (error: unknown) => reply({ ok: false, error: toErrorBody(error, logger) }),
    );
  };
}

export function assertNotDraining(isDraining: () => boolean) {
  if (isDraining()) {
    throw new DomainError("unavailable", "The server is restarting. Your client will reconnect; send again then.");
  }
}
