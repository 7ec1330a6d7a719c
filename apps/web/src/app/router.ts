import { create } from "zustand";

// A dozen routes do not need a router library: the History API, one store, and a matcher.
// The server answers every non-API path with index.html, so deep links and reloads work.

export type Route =
  | { name: "home" }
  | { name: "sign-in" }
  | { name: "sign-up" }
  | { name: "pair" }
  | { name: "circles" }
  | { name: "conversation"; circleId: string }
  | { name: "members"; circleId: string }
  | { name: "circle-settings"; circleId: string }
  | { name: "alerts" }
  | { name: "notifications" }
  | { name: "not-found" };

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
  };
  const route = fixed[path];
  if (route) return route;
  const circle = /^\/circles\/([0-9a-f]{24})(?:\/(members|settings))?$/.exec(path);
  if (circle?.[1]) {
    const circleId = circle[1];
    if (circle[2] === "members") return { name: "members", circleId };
    if (circle[2] === "settings") return { name: "circle-settings", circleId };
    return { name: "conversation", circleId };
  }
  return { name: "not-found" };
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
  members: (circleId: string) => `/circles/${circleId}/members`,
  circleSettings: (circleId: string) => `/circles/${circleId}/settings`,
};

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
