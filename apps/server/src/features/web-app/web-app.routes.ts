import express, { Router } from "express";
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Serves the built React app from the API's own origin (no CORS, one port). Hashed assets are
 * cached for a year; index.html and the service worker never, so a deploy reaches every tablet.
 * Any other GET that wants HTML gets index.html (client-side routes such as /circles/:id).
 */
export function createWebAppRouter(distDir: string): Router {
  const router = Router();
  const indexFile = path.join(distDir, "index.html");
  if (!existsSync(indexFile)) return router;
  router.use(
    express.static(distDir, {
      index: false,
      setHeaders: (res, filePath) => {
        const isHashed = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader("cache-control", isHashed ? "public, max-age=31536000, immutable" : "no-cache");
      },
    }),
  );
  router.get(/^\/(?!api\/|socket\.io\/).*/, (req, res, next) => {
    if (!req.accepts("html")) return next();
    res.setHeader("cache-control", "no-cache");
    res.sendFile(indexFile);
  });
  return router;
}
