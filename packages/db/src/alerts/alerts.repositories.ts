import {
  type AlertEventRecord,
  type AlertRecord,
  type AlertRepository,
  DuplicateKeyError,
  type EscalationRepository,
} from "@kring/domain";
import type { AlertHistoryType, AlertKind } from "@kring/protocol";
import { Types } from "mongoose";
import { BoundedMap, createSlotList } from "../keyed/slot-list";
import { insertOnce, upsertById } from "../keyed/writes";
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
};
const toAlert = (doc: AlertDocument): AlertRecord => ({
  id: doc._id.toHexString(),
  circleId: doc.circleId.toHexString(),
  kind: doc.kind as AlertKind,
  raisedBy: hex(doc.raisedBy),
  clientId: doc.clientId,
  createdAt: doc.createdAt,
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

const clientKey = (circleId: string, raisedBy: string | null, clientId: string) => `${circleId}:${raisedBy ?? "-"}:${clientId}`;

export function createAlertsFeatureRepositories(models: AlertsFeatureModels) {
  const circleAlerts = createSlotList(models.CircleAlertSlot);
  // Alert documents never change after their insert: cache them (bounded) on every node.
  const alertCache = new BoundedMap<string, AlertRecord>(20_000);

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

  /** Files the alert in its circle's list, then stores it; both steps are safe to repeat. */
  async function store(alertId: Types.ObjectId, alert: Omit<AlertRecord, "id">): Promise<AlertRecord> {
    await circleAlerts.append(alert.circleId, alertId.toHexString(), alert.createdAt);
    const isNew = await insertOnce(() =>
      models.Alert.create({
        _id: alertId,
        ...alert,
        circleId: toObjectId(alert.circleId),
        raisedBy: alert.raisedBy ? toObjectId(alert.raisedBy) : null,
      }),
    );
    if (isNew) {
      // What was just written is the record: no read back on the raise's ack path.
      const record: AlertRecord = { ...alert, id: alertId.toHexString(), clientId: alert.clientId ?? null };
      alertCache.set(record.id, record);
      return record;
    }
    const stored = await findById(alertId.toHexString());
    if (!stored) throw new Error("alert vanished after insert");
    return stored;
  }

  const alerts: AlertRepository = {
    async insert(alert) {
      const alertId = new Types.ObjectId();
      const key = clientKey(alert.circleId, alert.raisedBy, alert.clientId ?? alertId.toHexString());
      const isFirst = await insertOnce(() => models.AlertClientId.create({ _id: key, alertId }));
      if (isFirst) return store(alertId, alert);
      // The clientId was used before. If that raise stopped between its key and its alert
      // (a crash), finish it here: the same alert id, filed once more at worst (lists dedupe).
      const existing = await models.AlertClientId.findById(key).lean();
      if (!existing) throw new Error("alert key vanished");
      if (await findById(existing.alertId.toHexString())) throw new DuplicateKeyError("alert");
      return store(existing.alertId, alert);
    },
    async findByClientId(circleId, raisedBy, clientId) {
      const existing = await models.AlertClientId.findById(clientKey(circleId, raisedBy, clientId)).lean();
      return existing ? findById(existing.alertId.toHexString()) : null;
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
      return insertOnce(() =>
        models.AlertEvent.create({
          _id: event.id,
          alertId: toObjectId(event.alertId),
          circleId: toObjectId(event.circleId),
          type: event.type,
          userId: event.userId ? toObjectId(event.userId) : null,
          step: event.step,
          note: event.note,
          ...(event.recipients ? { recipients: event.recipients.map(toObjectId) } : {}),
          at: event.at,
        }),
      );
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
