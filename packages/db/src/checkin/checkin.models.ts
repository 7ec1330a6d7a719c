import { type Connection, Schema } from "mongoose";

const checkinScheduleSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the circle id
    deadline: { type: String, required: true },
    timeZone: { type: String, required: true },
    enabled: { type: Boolean, required: true },
  },
  { versionKey: false },
);

/** _id `circleId:date`: the first check-in of a local day wins, and a day is one point read. */
const checkinSchema = new Schema(
  {
    _id: { type: String, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    date: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);

export function registerCheckinModels(connection: Connection) {
  return {
    CheckinSchedule: connection.model("CheckinSchedule", checkinScheduleSchema, "checkin_schedules"),
    Checkin: connection.model("Checkin", checkinSchema, "checkins"),
  };
}
export type CheckinModels = ReturnType<typeof registerCheckinModels>;
