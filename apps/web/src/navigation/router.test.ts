/** @jest-environment jsdom */
import { notificationPath } from "../features/alerts/notification-path";
import { matchRoute, navigate, paths, rememberReturnTo, takeReturnTo, useRouterStore } from "./router";

const id = "0123456789abcdef01234567";
const alertId = "89abcdef0123456789abcdef";

beforeEach(() => sessionStorage.clear());

it("matches every screen's path", () => {
  expect(matchRoute("/")).toEqual({ name: "home" });
  expect(matchRoute("/sign-in/")).toEqual({ name: "sign-in" });
  expect(matchRoute(paths.conversation(id))).toEqual({ name: "conversation", circleId: id, thread: "circle" });
  expect(matchRoute(paths.teamConversation(id))).toEqual({ name: "conversation", circleId: id, thread: "team" });
  expect(matchRoute(paths.members(id))).toEqual({ name: "members", circleId: id });
  expect(matchRoute(paths.circleSettings(id))).toEqual({ name: "circle-settings", circleId: id });
  expect(matchRoute("/circles/not-an-id")).toEqual({ name: "not-found" });
});

it("has a screen for every link Kring sends: alert emails and pushes, digests, invitations", () => {
  // apps/worker/src/channels/email.channel.ts and public/sw.js build these.
  expect(matchRoute(`/circles/${id}/alerts/${alertId}`)).toEqual({ name: "alert", circleId: id, alertId });
  expect(matchRoute(`/circles/${id}`)).toEqual({ name: "conversation", circleId: id, thread: "circle" });
  // The server's invitation link: `<APP_URL>/join/<code>`.
  expect(matchRoute("/join/ABCDEFGHJKMNPQRS")).toEqual({ name: "join", code: "ABCDEFGHJKMNPQRS" });
  expect(matchRoute(paths.join("abcd-efgh"))).toEqual({ name: "join", code: "abcd-efgh" });
  expect(notificationPath({ kind: "alert_page", circleId: id, alertId })).toBe(paths.alert(id, alertId));
  expect(notificationPath({ kind: "message_digest", circleId: id, alertId: null })).toBe(paths.conversation(id));
  expect(notificationPath({ kind: "ladder_member_added", circleId: id, alertId: null })).toBe(paths.circleSettings(id));
});

it("calls every other path not found", () => {
  for (const path of ["/nope", "/circles/123/alerts", `/circles/${id}/alerts/short`, "/join/", "/join/a/b", `/circles/${id}/members/x`, "/alerts/x"]) {
    expect({ path, route: matchRoute(path) }).toEqual({ path, route: { name: "not-found" } });
  }
});

it("keeps a deep link's target through signing in, also through creating an account first, and uses it once", () => {
  const target = paths.alert(id, alertId);
  // Signed out, the alert email's link shows the sign-in form at the link's own path…
  navigate(target);
  rememberReturnTo(useRouterStore.getState().pathname);
  // …the person goes to "Create account" instead: sign-up is no target, the alert stays remembered.
  navigate(paths.signUp);
  rememberReturnTo(useRouterStore.getState().pathname);
  expect(takeReturnTo()).toBe(target);
  expect(takeReturnTo()).toBeUndefined();
});

it("remembers no entry screen or unknown path as a target", () => {
  for (const path of ["/", "/sign-in", "/sign-up", "/pair", "/nope"]) rememberReturnTo(path);
  expect(takeReturnTo()).toBeUndefined();
  rememberReturnTo("/join/ABCDEFGHJKMNPQRS");
  expect(takeReturnTo()).toBe("/join/ABCDEFGHJKMNPQRS");
});

it("opens the account page and the password reset link the worker mails (issue #11)", () => {
  const token = "Abc_def-0123456789abcdefghijklmnopqrstuvwxy";
  expect(token).toHaveLength(43);
  expect(matchRoute(paths.account)).toEqual({ name: "account" });
  // apps/worker/src/channels/email.channel.ts: `<APP_URL>/reset-password/<token>`.
  expect(matchRoute(`/reset-password/${token}`)).toEqual({ name: "reset-password", token });
  for (const path of ["/reset-password/", "/reset-password/short", `/reset-password/${token}x`, `/reset-password/${token.slice(0, 42)}!`]) {
    expect({ path, route: matchRoute(path) }).toEqual({ path, route: { name: "not-found" } });
  }
  // A reset link is never kept for after sign-in: its token must not linger in the tab's storage.
  rememberReturnTo(`/reset-password/${token}`);
  expect(takeReturnTo()).toBeUndefined();
});

it("has the visits screens: a circle's calendar (week, agenda, open slots), the plan form and today", () => {
  const planId = "fedcba9876543210fedcba98";
  expect(matchRoute(paths.calendar(id))).toEqual({ name: "calendar", circleId: id, view: "week" });
  expect(paths.calendar(id)).toBe(`/circles/${id}/calendar`);
  expect(matchRoute(paths.calendar(id, "agenda"))).toEqual({ name: "calendar", circleId: id, view: "agenda" });
  expect(matchRoute(`/circles/${id}/calendar/open`)).toEqual({ name: "calendar", circleId: id, view: "open" });
  expect(matchRoute(paths.newPlan(id))).toEqual({ name: "plan-new", circleId: id });
  expect(matchRoute(paths.editPlan(id, planId))).toEqual({ name: "plan-edit", circleId: id, planId });
  expect(matchRoute("/today")).toEqual({ name: "today" });
  expect(paths.today).toBe("/today");
  for (const path of [`/circles/${id}/calendar/x`, `/circles/${id}/plans/short`, `/circles/${id}/plans`, "/today/x"]) {
    expect({ path, route: matchRoute(path) }).toEqual({ path, route: { name: "not-found" } });
  }
  // A visit reminder (in-app notice and push, public/sw.js) opens the circle's agenda.
  expect(notificationPath({ kind: "visit_reminder", circleId: id, alertId: null })).toBe(paths.calendar(id, "agenda"));
  expect(matchRoute(`/circles/${id}/calendar/agenda`)).toEqual({ name: "calendar", circleId: id, view: "agenda" });
  // A calendar link opened while signed out opens after sign-in.
  rememberReturnTo(paths.calendar(id, "open"));
  expect(takeReturnTo()).toBe(paths.calendar(id, "open"));
});

it("has the circle's access log for family and coordinators (issue #11)", () => {
  expect(paths.accessLog(id)).toBe(`/circles/${id}/access-log`);
  expect(matchRoute(paths.accessLog(id))).toEqual({ name: "access-log", circleId: id });
  expect(matchRoute(`${paths.accessLog(id)}/`)).toEqual({ name: "access-log", circleId: id });
  for (const path of ["/circles/123/access-log", `/circles/${id}/access-log/x`, `/circles/${id}/access-logs`]) {
    expect({ path, route: matchRoute(path) }).toEqual({ path, route: { name: "not-found" } });
  }
});
