import {
  type AlertEventRecord,
  type AlertRecord,
  type AlertRepository,
  DuplicateKeyError,
  type EscalationRepository,
} from "@kring/domain";
import type { AlertHistoryType, AlertKind } from "@kring/protocol";
import { createHash } from "node:crypto";
import { Types } from "mongoose";
import { createModelInsertBatcher } from "../keyed/insert-batcher";
import { BoundedMap, createSlotList } from "../keyed/slot-list";
import { upsertById } from "../keyed/writes";
import { toObjectId } from "../models";
import type { AlertsFeatureModels } from "./alerts.models";

const hex = (id: Types.ObjectId | null | undefined) => (id ? id.toHexString() : null);

type AlertDocument = {
  _id: Types.ObjectId;
  circleId: Types.ObjectId;
  kind: string;
  raisedBy: Types.ObjectId | null;
  clientId: string | null;
  createdAt: Date;
  occurrenceId?: string | null;
  firstResponderId?: Types.ObjectId | null;
};
const toAlert = (doc: AlertDocument): AlertRecord => ({
  id: doc._id.toHexString(),
  circleId: doc.circleId.toHexString(),
  kind: doc.kind as AlertKind,
  raisedBy: hex(doc.raisedBy),
  clientId: doc.clientId,
  createdAt: doc.createdAt,
  ...(doc.occurrenceId ? { occurrenceId: doc.occurrenceId } : {}),
  ...(doc.firstResponderId ? { firstResponderId: doc.firstResponderId.toHexString() } : {}),
});

type AlertEventDocument = {
  _id: string;
  alertId: Types.ObjectId;
  circleId: Types.ObjectId;
  type: string;
  userId: Types.ObjectId | null;
  step?: number | null;
  note?: string | null;
  recipients?: Types.ObjectId[];
  at: Date;
};
const toEvent = (doc: AlertEventDocument): AlertEventRecord => ({
  id: doc._id,
  alertId: doc.alertId.toHexString(),
  circleId: doc.circleId.toHexString(),
  type: doc.type as AlertHistoryType,
  userId: hex(doc.userId),
  step: doc.step ?? null,
  note: doc.note ?? null,
  ...(doc.recipients ? { recipients: doc.recipients.map((r) => r.toHexString()) } : {}),
  at: doc.at,
});

/**
 * An alert's id is derived from its idempotency key (circle, raiser, clientId): 24 hex characters of
 * its sha256, a valid public id. So the alert's own insert is the "first raise with this clientId
 * wins" guard, and a resend is one point read. A system alert without a clientId gets a fresh id.
 */
export function alertIdFor(circleId: string, raisedBy: string | null, clientId: string | null): Types.ObjectId {
  if (clientId === null) return new Types.ObjectId();
  return new Types.ObjectId(createHash("sha256").update(`${circleId}:${raisedBy ?? "-"}:${clientId}`).digest("hex").slice(0, 24));
}

/** How far back a resend looks for its alert in the circle's list before filing it again. */
const RESEND_LIST_CHECK = 50;

export function createAlertsFeatureRepositories(models: AlertsFeatureModels) {
  const circleAlerts = createSlotList(models.CircleAlertSlot);
  // Alert documents never change after their insert: cache them (bounded) on every node.
  const alertCache = new BoundedMap<string, AlertRecord>(20_000);
  // Group commit (keyed/insert-batcher.ts): a burst of raises, pages and claims shares insert
  // commands. Documents are built here exactly as the schemas store them (alerts.models.ts).
  const alertInserts = createModelInsertBatcher<AlertDocument>(models.Alert);
  const eventInserts = createModelInsertBatcher<AlertEventDocument>(models.AlertEvent);

  async function findById(alertId: string): Promise<AlertRecord | null> {
    const cached = alertCache.get(alertId);
    if (cached) return cached;
    if (!Types.ObjectId.isValid(alertId)) return null;
    const doc = await models.Alert.findById(toObjectId(alertId)).lean<AlertDocument>();
    if (!doc) return null;
    const record = toAlert(doc);
    alertCache.set(alertId, record);
    return record;
  }

  const alerts: AlertRepository = {
    async insert(alert) {
      const alertId = alertIdFor(alert.circleId, alert.raisedBy, alert.clientId);
      const isNew = await alertInserts.insert({
        _id: alertId,
        circleId: toObjectId(alert.circleId),
        kind: alert.kind,
        raisedBy: alert.raisedBy ? toObjectId(alert.raisedBy) : null,
        clientId: alert.clientId ?? null,
        createdAt: alert.createdAt,
        ...(alert.occurrenceId ? { occurrenceId: alert.occurrenceId } : {}),
        ...(alert.firstResponderId ? { firstResponderId: toObjectId(alert.firstResponderId) } : {}),
      });
      const id = alertId.toHexString();
      if (isNew) {
        await circleAlerts.append(alert.circleId, id, alert.createdAt);
        // What was just written is the record: no read back on the raise's ack path.
        const record: AlertRecord = { ...alert, id, clientId: alert.clientId ?? null };
        alertCache.set(id, record);
        return record;
      }
      // A resend. If the first raise stopped between its insert and its filing (a crash), file it
      // now; resends are rare, and the newest slots are mostly cached.
      if (!(await circleAlerts.newest(alert.circleId, RESEND_LIST_CHECK)).includes(id)) {
        await circleAlerts.append(alert.circleId, id, alert.createdAt);
      }
      throw new DuplicateKeyError("alert");
    },
    async findByClientId(circleId, raisedBy, clientId) {
      const record = await findById(alertIdFor(circleId, raisedBy, clientId).toHexString());
      return record && record.circleId === circleId && record.raisedBy === raisedBy && record.clientId === clientId ? record : null;
    },
    findById,
    async listForCircle(circleId, limit) {
      const ids = [...new Set(await circleAlerts.newest(circleId, limit))];
      const records = await Promise.all(ids.map(findById));
      return records.filter((r): r is AlertRecord => r !== null && r.circleId === circleId);
    },
    async listForCircles(circleIds, limitPerCircle) {
      const lists = await Promise.all(circleIds.map((circleId) => alerts.listForCircle(circleId, limitPerCircle)));
      return lists.flat().sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    },
    insertEvent(event) {
      return eventInserts.insert({
        _id: event.id,
        alertId: toObjectId(event.alertId),
        circleId: toObjectId(event.circleId),
        type: event.type,
        userId: event.userId ? toObjectId(event.userId) : null,
        step: event.step ?? null,
        note: event.note ?? null,
        ...(event.recipients ? { recipients: event.recipients.map(toObjectId) } : {}),
        at: event.at,
      });
    },
    async hasEvent(circleId, eventId) {
      // _id alone: the only filter FerretDB/SQLite pushes down; the circle is checked on the result.
      const doc = await models.AlertEvent.findById(eventId, { circleId: 1 }).lean();
      return doc !== null && doc.circleId.toHexString() === circleId;
    },
    async findEvents(circleId, eventIds) {
      const docs = await Promise.all(eventIds.map((id) => models.AlertEvent.findById(id).lean<AlertEventDocument>()));
      return docs
        .filter((doc): doc is AlertEventDocument => doc !== null && doc.circleId.toHexString() === circleId)
        .map(toEvent);
    },
    async replaceEventNote(circleId, eventId, note) {
      // By _id alone (the only filter FerretDB pushes down); the circle is checked first.
      const doc = await models.AlertEvent.findById(eventId, { circleId: 1 }).lean();
      if (doc === null || doc.circleId.toHexString() !== circleId) return;
      await models.AlertEvent.updateOne({ _id: eventId }, { $set: { note } });
    },
  };

  const escalations: EscalationRepository = {
    async find(circleId) {
      const doc = await models.Escalation.findById(toObjectId(circleId)).lean();
      return doc
        ? { circleId, responders: doc.responders.map((r) => r.toHexString()), stepSeconds: doc.stepSeconds }
        : null;
    },
    async save(record) {
      await upsertById(models.Escalation, toObjectId(record.circleId), {
        responders: record.responders.map(toObjectId),
        stepSeconds: record.stepSeconds,
      });
    },
  };

  return { alerts, escalations };
}
