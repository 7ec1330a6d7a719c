import { Writable } from "node:stream";
import { createLogger } from "./index";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe("logger", () => {
  it("writes one JSON line per event with time, level name, message and fields", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination });
    logger.info("kring server listening", { url: "http://127.0.0.1:4000" });
    logger.error("unexpected error", new Error("boom"));
    expect(lines[0]).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: "info", message: "kring server listening", url: "http://127.0.0.1:4000" });
    expect(lines[1]).toMatchObject({ level: "error", message: "unexpected error", error: { name: "Error", message: "boom" } });
  });

  it("hides events below its level", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "error", destination });
    logger.info("quiet");
    logger.warn("quiet too");
    logger.error("shown");
    expect(lines.map((line) => line.message)).toEqual(["shown"]);
  });
});
