import type { AckError } from "@kring/protocol";
import { toErrorBody } from "../http/errors";
import type { Logger } from "@kring/logger";
import type { RunOptions, WorkGate } from "./work-gate";

/**
 * Wraps a socket event handler: ignores events sent without an ack callback (there is
 * nobody to answer), turns every failure into `{ok:false, error}` instead of a crash, and —
 * given the node's work gate — runs the handler under its in-flight bound and deadline, so an
 * overloaded or draining node answers `unavailable` with `retryAfterMs` instead of queueing.
 *
 * The ack is sent exactly once: with the result, with the error, or with `unavailable` at the
 * deadline; a handler that settles after its deadline is not answered again. `describe` names an
 * idempotent write (`key`: sender + clientId) so that a resend joins the same work, and its
 * fair-share `partition` (the circle); see work-gate.ts.
 */
export function withAck<R extends object>(
  logger: Logger,
  handle: (payload: unknown) => Promise<R>,
  gate?: WorkGate,
  describe?: (payload: unknown) => RunOptions | undefined,
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => {
    if (typeof ack !== "function") return;
    const reply = ack as (response: ({ ok: true } & R) | AckError) => void;
    let isReplied = false;
    const replyOnce = (response: ({ ok: true } & R) | AckError) => {
      if (isReplied) return;
      isReplied = true;
      reply(response);
    };
    const running = gate ? gate.run(() => handle(payload), describe?.(payload)) : handle(payload);
    running.then(
      (result) => replyOnce({ ok: true, ...result }),
      (error: unknown) => replyOnce({ ok: false, error: toErrorBody(error, logger) }),
    );
  };
}
