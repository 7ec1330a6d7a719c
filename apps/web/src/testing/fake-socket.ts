import type { KringSocket } from "../lib/socket";

type ServerHandler = (payload: unknown) => unknown | Promise<unknown>;

/**
 * An in-memory stand-in for the typed socket: tests play the server by registering a handler
 * per event (its return value is the ack) and can push server events to the app.
 */
export class FakeSocket {
  connected = true;
  readonly sent: Array<{ event: string; payload: unknown }> = [];
  private readonly serverHandlers = new Map<string, ServerHandler>();
  private readonly listeners = new Map<string, Set<(...args: unknown[]) => void>>();

  handle(event: string, handler: ServerHandler): this {
    this.serverHandlers.set(event, handler);
    return this;
  }

  timeout(_ms: number): this {
    return this;
  }

  async emitWithAck(event: string, payload: unknown): Promise<unknown> {
    this.sent.push({ event, payload });
    if (!this.connected) throw new Error("operation has timed out");
    const handler = this.serverHandlers.get(event);
    if (!handler) throw new Error("operation has timed out");
    return handler(payload);
  }

  emit(event: string, payload: unknown): this {
    this.sent.push({ event, payload });
    return this;
  }

  on(event: string, listener: (...args: unknown[]) => void): this {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  }

  serverEmit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }

  sentOf(event: string): unknown[] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload);
  }

  asSocket(): KringSocket {
    return this as unknown as KringSocket;
  }
}

let counter = 0;
/** A valid-looking 24-hex id. */
export function fakeId(): string {
  counter += 1;
  return counter.toString(16).padStart(24, "0");
}
