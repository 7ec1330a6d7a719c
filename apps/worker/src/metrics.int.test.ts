import { eventually, startTestServer, type TestServer } from "@kring/server/testing";
import { createAnnasCircle, raise, setLadder } from "./testing/circle-fixture";
import { startTestWorker, type TestWorker } from "./testing/worker-harness";

// The worker's Prometheus metrics: raise → page per ladder step, and jobs done per queue.

let server: TestServer;
let worker: TestWorker;
beforeAll(async () => {
  server = await startTestServer();
  worker = await startTestWorker(server);
});
afterAll(async () => {
  await worker.stop();
  await server.stop();
});

it("times raise → first page (server) and counts the step's job (worker)", async () => {
  const c = await createAnnasCircle(server);
  await setLadder(server, c, ["marie", "jan"], 5);
  const alert = await raise(c);
  await eventually(() => c.notifications.marie.length === 1, 5000, "Marie's page");

  const metrics = worker.metrics.registry;
  const readMetric = async (pattern: RegExp, registry = metrics) => Number((await registry.metrics()).match(pattern)?.[1] ?? Number.NaN);
  // The first page goes out from the server at the raise (createFirstPager), so the server times it.
  const serverMetrics = server.kring.metrics.registry;
  expect(await readMetric(/^kring_alert_raise_to_page_seconds_count\{step="0"\} (\S+)$/m, serverMetrics)).toBe(1);
  // Marie was paged after the raise, and well within the test's wait.
  const seconds = await readMetric(/^kring_alert_raise_to_page_seconds_sum\{step="0"\} (\S+)$/m, serverMetrics);
  expect(seconds).toBeGreaterThanOrEqual(0);
  expect(seconds).toBeLessThan((Date.now() - Date.parse(alert.createdAt)) / 1000 + 0.001);

  // The step's job completes right after its page went out.
  let completedAlertJobs = 0;
  await eventually(() => completedAlertJobs >= 1, 5000, "the step job counted", async () => {
    completedAlertJobs = await readMetric(/^kring_jobs_completed_total\{queue="[^"]*alerts"\} (\S+)$/m);
  });
});
