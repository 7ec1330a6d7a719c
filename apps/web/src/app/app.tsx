import { lazy, Suspense, useEffect } from "react";
import { withStaffWords } from "../features/i18n/i18n.store";
import { findResidentCircle, useCirclesStore } from "../features/circles/circles.store";
import { ResidentHome } from "../features/resident/resident-home";
import { useSessionStore } from "../features/session/session.store";
import { LoadingScreen } from "../navigation/page";
import { resetStores, startRealtime } from "./realtime";
import { navigate, paths, rememberReturnTo, takeReturnTo, useRoute, useRouterStore } from "../navigation/router";

// The resident's tablet loads only this file's static imports; everything family and staff use
// is split off with React.lazy (resident first load ≤ 120 KB of JavaScript gzipped).
const SignInScreen = lazy(() => withStaffWords(() => import("../features/session/sign-in-screen")));
const SignUpScreen = lazy(() => withStaffWords(() => import("../features/session/sign-up-screen")));
const StaffApp = lazy(() => withStaffWords(() => import("./staff-app")));
// "Page not found" rides in the staff chunk (which has it anyway): a tablet never needs it.
const NotFoundScreen = lazy(() => withStaffWords(() => import("./staff-app").then((module) => ({ default: module.NotFoundScreen }))));
// Pairing happens once per tablet; it need not weigh on every start.
const PairScreen = lazy(() => import("../features/session/pair-screen").then((module) => ({ default: module.PairScreen })));

export function App() {
  const status = useSessionStore((state) => state.status);
  useEffect(() => {
    void useSessionStore.getState().restore();
  }, []);
  if (status === "restoring") return <LoadingScreen />;
  return (
    <Suspense fallback={<LoadingScreen />}>{status === "signed-in" ? <SignedInApp /> : <SignedOutApp />}</Suspense>
  );
}

function SignedOutApp() {
  const route = useRoute();
  const pathname = useRouterStore((state) => state.pathname);
  const isResidentDevice = useSessionStore((state) => state.isResidentDevice);
  useEffect(() => resetStores(), []);
  // A link from an email or a push names a screen: open it once signed in (see SignedInApp).
  useEffect(() => rememberReturnTo(pathname), [pathname]);
  if (route.name === "not-found") return <NotFoundScreen />;
  if (route.name === "pair") return <PairScreen />;
  if (route.name === "sign-up") return <SignUpScreen />;
  if (isResidentDevice && route.name !== "sign-in") return <PairScreen />;
  return <SignInScreen />;
}

function SignedInApp() {
  const user = useSessionStore((state) => state.user);
  const userId = user?.id;
  const route = useRoute();
  const circles = useCirclesStore((state) => state.circles);
  const loadState = useCirclesStore((state) => state.loadState);

  useEffect(() => {
    if (userId === undefined) return;
    useCirclesStore.getState().hydrate(userId);
    void useCirclesStore.getState().loadCircles().catch(() => undefined);
    return startRealtime(userId);
  }, [userId]);

  // Leave the sign-in/pairing URLs once signed in, for the screen a link asked for if there was one.
  // Taken on every signed-in screen, so a target is used at most once.
  useEffect(() => {
    const target = takeReturnTo();
    if (route.name === "sign-in" || route.name === "sign-up" || route.name === "pair") navigate(target ?? paths.home, { replace: true });
  }, [route.name]);

  if (user === undefined || (loadState !== "loaded" && circles.length === 0 && loadState !== "failed")) return <LoadingScreen />;
  const residentCircle = findResidentCircle(circles);
  if (residentCircle) return <ResidentHome circle={residentCircle} user={user} />;
  return <StaffApp />;
}
