import { type AckError, type ClientEventName, type ClientEventPayload, type ClientEventResults, clientEventPayloads } from "@kring/protocol";
import type { z } from "zod";
import { parseInput, toErrorBody } from "../http/errors";
import type { Logger } from "@kring/logger";
import type { KringSocket } from "./socket-types";
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

/**
 * Registers the handler of one client event from the protocol's table (`clientEventPayloads`):
 * the payload is parsed with that event's schema (a failure answers `validation_failed`), the
 * handler gets the typed input and returns what the event's ack carries. `describe` sees the parsed
 * input (nothing for a payload that fails its schema: that one is refused without a key).
 */
export function onEvent<E extends Exclude<ClientEventName, "typing">>(
  socket: KringSocket,
  event: E,
  deps: { logger: Logger; gate?: WorkGate },
  handle: (input: ClientEventPayload<E>) => Promise<ClientEventResults[E]>,
  describe?: (input: ClientEventPayload<E>) => RunOptions | undefined,
): void {
  const schema = clientEventPayloads[event] as unknown as z.ZodType<ClientEventPayload<E>>;
  const listener = withAck(
    deps.logger,
    (payload) => handle(parseInput(schema, payload)),
    deps.gate,
    describe &&
      ((payload) => {
        const input = schema.safeParse(payload);
        return input.success ? describe(input.data) : undefined;
      }),
  );
  // socket.io's typed `on` cannot relate a generic event name to its listener; the table above
  // is what ties them together.
  (socket.on as (event: string, listener: (payload: unknown, ack: unknown) => void) => void).call(socket, event, listener);
}
