import type { AccessLogService, ErasureService, RetentionService } from "@kring/domain";
import { AccessLogQuery, CircleIdParams, CircleUserParams, DeleteAccountBody, ExportQuery, RetentionBody } from "@kring/protocol";
import { type Response, Router } from "express";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { ZipFile } from "yazl";
import { parseInput } from "../../http/errors";
import { currentSessionId, currentUserId } from "../auth/require-auth";
import type { Exporter } from "./export";

/** Streams the export: the JSON alone, or a ZIP of data.json and index.html (each produced lazily). */
async function sendExport(
  res: Response,
  format: "zip" | "json",
  fileName: string,
  built: { title: string; sections: Parameters<Exporter["json"]>[0]; names: Map<string, string> },
  exporter: Exporter,
) {
  res.setHeader("Cache-Control", "no-store");
  if (format === "json") {
    res.type("application/json");
    res.setHeader("Content-Disposition", `attachment; filename="${fileName}.json"`);
    await pipeline(exporter.json(built.sections), res);
    return;
  }
  res.type("application/zip");
  res.setHeader("Content-Disposition", `attachment; filename="${fileName}.zip"`);
  const zip = new ZipFile();
  // yazl reads the entries one after the other: the HTML's generator starts after the JSON's ended.
  zip.addReadStream(exporter.json(built.sections) as Readable, "data.json");
  zip.addReadStream(exporter.html(built.title, built.sections, built.names) as Readable, "index.html");
  zip.end();
  await pipeline(zip.outputStream, res);
}

export function createPrivacyRouter(deps: {
  accessLog: AccessLogService;
  retention: RetentionService;
  erasure: ErasureService;
  exporter: Exporter;
}) {
  const router = Router();

  router.get("/circles/:id/access-log", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const query = parseInput(AccessLogQuery, req.query);
    res.json(await deps.accessLog.readAccessLog(currentUserId(res), id, query));
  });

  router.get("/circles/:id/retention", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json(await deps.retention.getRetention(currentUserId(res), id));
  });

  router.put("/circles/:id/retention", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const body = parseInput(RetentionBody, req.body);
    res.json(await deps.retention.setRetention(currentUserId(res), id, body.messagesDays));
  });

  router.delete("/me", async (req, res) => {
    const body = parseInput(DeleteAccountBody, req.body);
    await deps.erasure.eraseOwnAccount(currentUserId(res), body.password);
    res.status(204).end();
  });

  router.delete("/circles/:id/residents/:userId", async (req, res) => {
    const { id, userId } = parseInput(CircleUserParams, req.params);
    await deps.erasure.eraseResident(currentUserId(res), id, userId);
    res.status(204).end();
  });

  router.get("/me/export", async (req, res) => {
    const { format = "zip" } = parseInput(ExportQuery, req.query);
    const userId = currentUserId(res);
    const built = await deps.exporter.meSections(userId, currentSessionId(res));
    await sendExport(res, format, "kring-my-data", built, deps.exporter);
  });

  router.get("/circles/:id/export", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const { format = "zip" } = parseInput(ExportQuery, req.query);
    const userId = currentUserId(res);
    const built = await deps.exporter.circleSections(userId, id);
    // Recorded as it starts (the access-recording middleware records it too once it has finished).
    await sendExport(res, format, "kring-circle", built, deps.exporter);
  });

  return router;
}
