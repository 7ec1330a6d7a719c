import type { CheckinService } from "@kring/domain";
import { CheckinScheduleBody, CheckinsQuery, CircleIdParams } from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

/** The daily check-in's schedule and the days someone checked in ("I'm OK" itself is a socket event). */
export function createCheckinRouter(deps: { checkin: CheckinService }) {
  const router = Router();

  router.get("/circles/:id/checkin-schedule", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json({ schedule: await deps.checkin.getCheckinSchedule(currentUserId(res), id) });
  });

  router.put("/circles/:id/checkin-schedule", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const body = parseInput(CheckinScheduleBody, req.body);
    res.json({ schedule: await deps.checkin.setCheckinSchedule(currentUserId(res), id, body) });
  });

  /** Check-ins of a bounded date range, one point read per day. */
  router.get("/circles/:id/checkins", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const range = parseInput(CheckinsQuery, req.query);
    res.json(await deps.checkin.listCheckins(currentUserId(res), id, range));
  });

  return router;
}
