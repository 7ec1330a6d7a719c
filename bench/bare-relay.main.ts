import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

/**
 * The floor the bench compares Kring with: the same Socket.IO version and the same event
 * shapes, but no auth, no validation, no database. Whatever Kring adds on top of this is
 * the cost of Kring itself. Prints one JSON line with the port once it listens.
 */

type SendPayload = { circleId: string; clientId: string; body: string };
type Ack = (response: unknown) => void;

const host = "127.0.0.1";
const port = Number(process.env.PORT ?? 0);
const httpServer = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" }).end("bare relay\n");
});
// Same frame limit as Kring, so both refuse and accept the same messages.
const io = new Server(httpServer, { maxHttpBufferSize: 64 * 1024 });

const seqByRoom = new Map<string, number>();
let idCounter = 0;
// Kring's ids are 24-hex ObjectIds; same length keeps the frames the same size.
const idPrefix = (Math.floor(Date.now() / 1000).toString(16) + process.pid.toString(16)).padEnd(12, "0").slice(0, 12);
const nextId = () => idPrefix + (idCounter++).toString(16).padStart(12, "0");

io.on("connection", (socket) => {
  socket.on("join", (payload: { room?: unknown }, ack?: Ack) => {
    if (typeof payload?.room === "string") void socket.join(payload.room);
    if (typeof ack === "function") ack({ ok: true });
  });

  socket.on("message:send", (payload: SendPayload, ack?: Ack) => {
    if (typeof ack !== "function") return;
    const room = payload.circleId;
    const seq = (seqByRoom.get(room) ?? 0) + 1;
    seqByRoom.set(room, seq);
    // senderId and createdAt as in Kring's Message, so the relay sends as many bytes.
    const message = { ...payload, id: nextId(), seq, senderId: socket.id.padEnd(24, "0").slice(0, 24), createdAt: new Date().toISOString() };
    ack({ ok: true, message });
    socket.to(room).emit("message:new", message);
  });
});

httpServer.listen(port, host, () => {
  const address = httpServer.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: "listening", port: address.port })}\n`);
});

const stop = () => {
  io.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
