import * as protocol from "@kring/protocol";
import * as constants from "./protocol-constants";

describe("protocol constants on the tablet", () => {
  it.each(Object.entries(constants))("%s is the value @kring/protocol defines", (name, value) => {
    expect(value).toBe(protocol[name as keyof typeof protocol]);
  });
});
