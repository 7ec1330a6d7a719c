import net from "node:net";

// Just enough of the MongoDB wire protocol (OP_MSG + a BSON subset) to ask a server whether it
// is usable, so the launcher does not need the driver. FerretDB's `ping` also checks its backend,
// which is how a missing PostgreSQL database turns into a clear startup error.

const OP_MSG = 2013;

export type MongoReply = Record<string, string | number | boolean | null | undefined>;

function cstring(value: string): Buffer {
  return Buffer.concat([Buffer.from(value, "utf8"), Buffer.from([0])]);
}

function encodeCommand(command: string, db: string): Buffer {
  const intValue = Buffer.alloc(4);
  intValue.writeInt32LE(1);
  const dbBytes = cstring(db);
  const dbLength = Buffer.alloc(4);
  dbLength.writeInt32LE(dbBytes.length);
  const elements = Buffer.concat([
    Buffer.from([0x10]),
    cstring(command),
    intValue,
    Buffer.from([0x02]),
    cstring("$db"),
    dbLength,
    dbBytes,
    Buffer.from([0x00]),
  ]);
  const documentLength = Buffer.alloc(4);
  documentLength.writeInt32LE(elements.length + 4);
  const body = Buffer.concat([Buffer.alloc(4) /* flagBits */, Buffer.from([0]) /* section kind 0 */, documentLength, elements]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(1, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  return Buffer.concat([header, body]);
}

const FIXED_SIZES: Partial<Record<number, number>> = {
  0x01: 8, // double
  0x07: 12, // ObjectId
  0x08: 1, // bool
  0x09: 8, // UTC datetime
  0x0a: 0, // null
  0x10: 4, // int32
  0x11: 8, // timestamp
  0x12: 8, // int64
  0x13: 16, // decimal128
};

/** Top-level scalar fields of a BSON document; nested values are skipped. */
function decodeTopLevel(buffer: Buffer, start: number): MongoReply {
  const result: MongoReply = {};
  const end = start + buffer.readInt32LE(start) - 1;
  let offset = start + 4;
  while (offset < end) {
    const type = buffer.readUInt8(offset);
    const nameEnd = buffer.indexOf(0, offset + 1);
    const name = buffer.toString("utf8", offset + 1, nameEnd);
    offset = nameEnd + 1;
    switch (type) {
      case 0x01:
        result[name] = buffer.readDoubleLE(offset);
        break;
      case 0x02:
        result[name] = buffer.toString("utf8", offset + 4, offset + 4 + buffer.readInt32LE(offset) - 1);
        break;
      case 0x08:
        result[name] = buffer.readUInt8(offset) === 1;
        break;
      case 0x0a:
        result[name] = null;
        break;
      case 0x10:
        result[name] = buffer.readInt32LE(offset);
        break;
      case 0x12:
        result[name] = Number(buffer.readBigInt64LE(offset));
        break;
    }
    const fixed = FIXED_SIZES[type];
    if (fixed !== undefined) offset += fixed;
    else if (type === 0x02 || type === 0x0d || type === 0x0e) offset += 4 + buffer.readInt32LE(offset);
    else if (type === 0x03 || type === 0x04) offset += buffer.readInt32LE(offset);
    else if (type === 0x05) offset += 5 + buffer.readInt32LE(offset);
    else break; // A type this reader does not know: stop rather than misread.
  }
  return result;
}

/** Sends `{ [command]: 1, $db: db }` and returns the reply's top-level scalar fields. */
export function mongoCommand(
  host: string,
  port: number,
  command: string,
  db = "admin",
  timeoutMs = 5000,
): Promise<MongoReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply to ${command} from ${host}:${port}`)));
    socket.once("error", reject);
    socket.once("connect", () => socket.write(encodeCommand(command, db)));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < received.readInt32LE(0)) return;
      socket.destroy();
      try {
        if (received.readInt32LE(12) !== OP_MSG || received.readUInt8(20) !== 0) {
          throw new Error(`unexpected reply to ${command} from ${host}:${port}`);
        }
        resolve(decodeTopLevel(received, 21));
      } catch (error) {
        reject(error);
      }
    });
    socket.once("close", () => reject(new Error(`${host}:${port} closed the connection before replying to ${command}`)));
  });
}
