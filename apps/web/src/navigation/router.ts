import { create } from "zustand";

// A dozen routes do not need a router library: the History API, one store, and a matcher.
// The server answers every non-API path with index.html, so deep links and reloads work.

export type Route =
  | { name: "home" }
  | { name: "sign-in" }
  | { name: "sign-up" }
  | { name: "pair" }
  | { name: "circles" }
  | { name: "conversation"; circleId: string; thread: "circle" | "team" }
  | { name: "members"; circleId: string }
  | { name: "circle-settings"; circleId: string }
  | { name: "alert"; circleId: string; alertId: string }
  | { name: "join"; code: string }
  | { name: "alerts" }
  | { name: "notifications" }
  | { name: "account" }
  | { name: "reset-password"; token: string }
  | { name: "not-found" }
  // Visits (issue #10).
  | { name: "calendar"; circleId: string; view: CalendarView }
  | { name: "plan-new"; circleId: string }
  | { name: "plan-edit"; circleId: string; planId: string }
  | { name: "today" }
  // The circle's access log for family and coordinators (issue #11).
  | { name: "access-log"; circleId: string };

/** The calendar's three views: the week, a list of what comes, and the open slots. */
export type CalendarView = "week" | "agenda" | "open";

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  const fixed: Record<string, Route> = {
    "/": { name: "home" },
    "/sign-in": { name: "sign-in" },
    "/sign-up": { name: "sign-up" },
    "/pair": { name: "pair" },
    "/circles": { name: "circles" },
    "/alerts": { name: "alerts" },
    "/notifications": { name: "notifications" },
    "/account": { name: "account" },
  };
  const route = fixed[path];
  if (route) return route;
  // Links Kring sends: alert emails and pushes (`/circles/<c>/alerts/<a>`), invitations (`/join/<code>`).
  const alert = /^\/circles\/([0-9a-f]{24})\/alerts\/([0-9a-f]{24})$/.exec(path);
  if (alert?.[1] && alert[2]) return { name: "alert", circleId: alert[1], alertId: alert[2] };
  // The password reset link (issue #11): its token is 43 base64url characters.
  const reset = /^\/reset-password\/([\w-]{43})$/.exec(path);
  if (reset?.[1]) return { name: "reset-password", token: reset[1] };
  const join = /^\/join\/([A-Za-z0-9-]{1,64})$/.exec(path);
  if (join?.[1]) return { name: "join", code: join[1] };
  const circle = /^\/circles\/([0-9a-f]{24})(?:\/(members|settings|team))?$/.exec(path);
  if (circle?.[1]) {
    const circleId = circle[1];
    if (circle[2] === "members") return { name: "members", circleId };
    if (circle[2] === "settings") return { name: "circle-settings", circleId };
    return { name: "conversation", circleId, thread: circle[2] === "team" ? "team" : "circle" };
  }
  return matchVisitsRoute(path) ?? matchAccessLogRoute(path) ?? { name: "not-found" };
}

// Visits (issue #10): the calendar, the plan form and a professional's day.
function matchVisitsRoute(path: string): Route | undefined {
  if (path === "/today") return { name: "today" };
  const calendar = /^\/circles\/([0-9a-f]{24})\/calendar(?:\/(agenda|open))?$/.exec(path);
  if (calendar?.[1]) return { name: "calendar", circleId: calendar[1], view: calendar[2] === "agenda" || calendar[2] === "open" ? calendar[2] : "week" };
  const plan = /^\/circles\/([0-9a-f]{24})\/plans\/(new|[0-9a-f]{24})$/.exec(path);
  if (plan?.[1] && plan[2]) return plan[2] === "new" ? { name: "plan-new", circleId: plan[1] } : { name: "plan-edit", circleId: plan[1], planId: plan[2] };
  return undefined;
}

// The circle's access log (issue #11): who read what, for family and coordinators.
function matchAccessLogRoute(path: string): Route | undefined {
  const log = /^\/circles\/([0-9a-f]{24})\/access-log$/.exec(path);
  return log?.[1] ? { name: "access-log", circleId: log[1] } : undefined;
}

export const paths = {
  home: "/",
  signIn: "/sign-in",
  signUp: "/sign-up",
  pair: "/pair",
  circles: "/circles",
  alerts: "/alerts",
  notifications: "/notifications",
  conversation: (circleId: string) => `/circles/${circleId}`,
  /** The care team's conversation (without the resident). */
  teamConversation: (circleId: string) => `/circles/${circleId}/team`,
  members: (circleId: string) => `/circles/${circleId}/members`,
  circleSettings: (circleId: string) => `/circles/${circleId}/settings`,
  alert: (circleId: string, alertId: string) => `/circles/${circleId}/alerts/${alertId}`,
  join: (code: string) => `/join/${encodeURIComponent(code)}`,
  account: "/account",
  // Visits (issue #10).
  calendar: (circleId: string, view: CalendarView = "week") => `/circles/${circleId}/calendar${view === "week" ? "" : `/${view}`}`,
  newPlan: (circleId: string) => `/circles/${circleId}/plans/new`,
  editPlan: (circleId: string, planId: string) => `/circles/${circleId}/plans/${planId}`,
  today: "/today",
  // The circle's access log (issue #11).
  accessLog: (circleId: string) => `/circles/${circleId}/access-log`,
};

// A link opened while signed out (an alert email, an invitation) is remembered for this tab, so
// the screen it names opens after signing in, also when the person first creates an account.
const RETURN_KEY = "kring.returnTo";
const ENTRY_ROUTES = new Set<Route["name"]>(["home", "sign-in", "sign-up", "pair", "not-found", "reset-password"]);

/** Remembers `pathname` if it names a screen worth coming back to (not sign-in, home or an unknown path). */
export function rememberReturnTo(pathname: string): void {
  if (ENTRY_ROUTES.has(matchRoute(pathname).name)) return;
  try {
    sessionStorage.setItem(RETURN_KEY, pathname);
  } catch {
    // No storage: the link still opens when signing in on the same page.
  }
}

/** The remembered target (once), or undefined. */
export function takeReturnTo(): string | undefined {
  try {
    const stored = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    return stored !== null && !ENTRY_ROUTES.has(matchRoute(stored).name) ? stored : undefined;
  } catch {
    return undefined;
  }
}

type RouterState = {
  pathname: string;
  navigate(to: string, options?: { replace?: boolean }): void;
};

function currentPathname(): string {
  return typeof location === "undefined" ? "/" : location.pathname;
}

export const useRouterStore = create<RouterState>()((set) => ({
  pathname: currentPathname(),
  navigate(to, options) {
    if (to === currentPathname()) return;
    if (options?.replace) history.replaceState(null, "", to);
    else history.pushState(null, "", to);
    set({ pathname: to });
  },
}));

if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => useRouterStore.setState({ pathname: currentPathname() }));
}

export function navigate(to: string, options?: { replace?: boolean }): void {
  useRouterStore.getState().navigate(to, options);
}

export function useRoute(): Route {
  return matchRoute(useRouterStore((state) => state.pathname));
}
