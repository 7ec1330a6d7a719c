import type { MessagesService } from "@kring/domain";
import { CircleIdParams, HistoryQuery } from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

export function createMessagesRouter(deps: { messages: MessagesService }) {
  const router = Router();
  router.get("/circles/:id/messages", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const query = parseInput(HistoryQuery, req.query);
    res.json({ messages: await deps.messages.listHistory(currentUserId(res), id, query) });
  });
  return router;
}
