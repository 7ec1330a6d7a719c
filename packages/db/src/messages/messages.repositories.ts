import type { MessageRepository, MessageThread, ReadMarkerRepository } from "@kring/domain";
import type { Message } from "@kring/protocol";
import { Types } from "mongoose";
import { isDuplicateKey, mapDuplicate } from "../keyed/writes";
import { toObjectId } from "../models";
import { clientIdClaimKey, messageKey, type MessageModels, readMarkerKey } from "./messages.models";

// Every read here is a point read by `_id` and every write an insert or an update of one `_id`
// (../key-access.int.test.ts enforces it). sanitizeFilter (../connection.ts) neutralises operator
// objects smuggled into a filter.

type MessageDocument = {
  _id: string;
  messageId: Types.ObjectId;
  circleId: Types.ObjectId;
  seq: number;
  thread?: string;
  clientId: string;
  senderId: Types.ObjectId;
  body: string;
  createdAt: Date;
  kind?: "system";
  system?: Message["system"];
  deleted?: boolean;
};

function toMessage(doc: MessageDocument): Message {
  // A tombstone (issue #11) tells nothing but its place: no body, no sender, no system line.
  if (doc.deleted) {
    return {
      id: doc.messageId.toHexString(),
      circleId: doc.circleId.toHexString(),
      seq: doc.seq,
      thread: doc.thread === "team" ? "team" : "circle",
      clientId: doc.clientId,
      senderId: null,
      body: "",
      createdAt: doc.createdAt.toISOString(),
      deleted: true,
    };
  }
  return {
    id: doc.messageId.toHexString(),
    circleId: doc.circleId.toHexString(),
    seq: doc.seq,
    thread: doc.thread === "team" ? "team" : "circle",
    clientId: doc.clientId,
    senderId: doc.senderId.toHexString(),
    body: doc.body,
    createdAt: doc.createdAt.toISOString(),
    ...(doc.kind === "system" && doc.system ? { kind: "system" as const, system: doc.system } : {}),
  };
}

export function createMessageRepositories(models: MessageModels) {
  const findMessage = async (circleId: string, seq: number, thread: MessageThread = "circle") => {
    const doc = await models.Message.findById(messageKey(circleId, thread, seq)).lean<MessageDocument>();
    return doc ? toMessage(doc) : null;
  };
  const messages: MessageRepository = {
    async insert(message, thread = "circle") {
      const messageId = new Types.ObjectId();
      await mapDuplicate("seq", () =>
        models.Message.create({
          ...message,
          _id: messageKey(message.circleId, thread, message.seq),
          messageId,
          thread,
          circleId: toObjectId(message.circleId),
          senderId: toObjectId(message.senderId),
        }),
      );
      return { ...message, thread, id: messageId.toHexString(), createdAt: message.createdAt.toISOString() };
    },
    findBySeq: findMessage,
    findBySeqs: (circleId, seqs, thread = "circle") => Promise.all(seqs.map((seq) => findMessage(circleId, seq, thread))),
    async insertWithClaim(message, claim) {
      const messageId = new Types.ObjectId();
      const docs = [
        { _id: clientIdClaimKey(claim), kind: "claim", seq: message.seq },
        {
          ...message,
          _id: messageKey(message.circleId, claim.thread, message.seq),
          messageId,
          thread: claim.thread,
          circleId: toObjectId(message.circleId),
          senderId: toObjectId(message.senderId),
          deleted: false,
        },
      ];
      try {
        // Ordered: the claim first, and nothing after the first duplicate.
        await models.Message.collection.insertMany(docs as never[], { ordered: true });
      } catch (error) {
        const index = (error as { writeErrors?: { index: number; code: number }[] | { index: number; code: number } }).writeErrors;
        const first = Array.isArray(index) ? index[0] : index;
        if (first?.code !== 11000) throw error;
        return { outcome: first.index === 0 ? ("claim_taken" as const) : ("seq_taken" as const) };
      }
      return {
        outcome: "inserted" as const,
        message: { ...message, thread: claim.thread, id: messageId.toHexString(), createdAt: message.createdAt.toISOString() },
      };
    },
    async findClientIdClaim(claim) {
      const doc = await models.ClientIdClaim.findById(clientIdClaimKey(claim)).lean();
      return doc?.seq ?? null;
    },
  };

  const readMarkers: ReadMarkerRepository = {
    async find(circleId, userId, thread = "circle") {
      const doc = await models.ReadMarker.findById(readMarkerKey(circleId, userId, thread)).lean();
      return doc?.seq ?? 0;
    },
    async advance(circleId, userId, seq, thread = "circle") {
      const filter = { _id: readMarkerKey(circleId, userId, thread) };
      // $max never moves the marker back; an upsert race on first read hits the unique
      // index, and then the marker exists, so one retry is enough.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          await models.ReadMarker.updateOne(
            filter,
            { $max: { seq }, $setOnInsert: { circleId: toObjectId(circleId), userId: toObjectId(userId) } },
            { upsert: true },
          );
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt === 1) throw error;
        }
      }
    },
  };

  return { messages, readMarkers };
}
