import { Router } from "express";

export function createHealthRouter(deps: { checks: Record<string, () => Promise<boolean>> }) {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const entries = await Promise.all(
      Object.entries(deps.checks).map(async ([name, check]) => {
        const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref());
        return [name, await Promise.race([check().catch(() => false), timeout])] as const;
      }),
    );
    const isReady = entries.every(([, ok]) => ok);
    res.status(isReady ? 200 : 503).json({ status: isReady ? "ready" : "not_ready", checks: Object.fromEntries(entries) });
  });
  return router;
}
