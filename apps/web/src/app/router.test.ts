import { matchRoute, paths } from "./router";

const id = "0123456789abcdef01234567";

it("matches every screen's path", () => {
  expect(matchRoute("/")).toEqual({ name: "home" });
  expect(matchRoute("/sign-in/")).toEqual({ name: "sign-in" });
  expect(matchRoute(paths.conversation(id))).toEqual({ name: "conversation", circleId: id });
  expect(matchRoute(paths.members(id))).toEqual({ name: "members", circleId: id });
  expect(matchRoute(paths.circleSettings(id))).toEqual({ name: "circle-settings", circleId: id });
  expect(matchRoute("/circles/not-an-id")).toEqual({ name: "not-found" });
});
