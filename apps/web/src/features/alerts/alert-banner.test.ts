/** @jest-environment jsdom */
import type { Alert } from "@kring/protocol";
import { setAlertTitle, setPageTitle } from "../../navigation/document-title";
import { fakeAlert } from "../../testing/fake-alert";
import { fakeId } from "../../testing/fake-socket";
import { selectBannerAlerts, useSeenAlertsStore } from "./alert-banner";

const me = fakeId();
const anna = fakeId();
const karim = fakeId();

function alert(overrides: Partial<Alert> = {}): Alert {
  return fakeAlert({ circleId: fakeId(), raisedBy: anna }, overrides);
}

describe("the urgent-alert banner", () => {
  it("shows urgent alerts this member has not seen, newest first, until seen, claimed by them or resolved", () => {
    const older = alert({ createdAt: "2026-11-24T09:00:00.000Z" });
    const newer = alert({ createdAt: "2026-11-24T11:00:00.000Z" });
    const missed = alert({ kind: "missed_checkin", raisedBy: null, createdAt: "2026-11-24T08:00:00.000Z" });
    const claimedByKarim = alert({ status: "claimed", claimedBy: karim, createdAt: "2026-11-24T07:00:00.000Z" });
    const hidden = [
      alert({ kind: "call_me" }),
      alert({ status: "resolved" }),
      alert({ raisedBy: me }),
      alert({ status: "claimed", claimedBy: me }),
    ];
    const all = Object.fromEntries([older, newer, missed, claimedByKarim, ...hidden].map((a) => [a.id, a]));
    expect(selectBannerAlerts(all, [], me).map((a) => a.id)).toEqual([newer.id, older.id, missed.id, claimedByKarim.id]);
    expect(selectBannerAlerts(all, [newer.id], me).map((a) => a.id)).toEqual([older.id, missed.id, claimedByKarim.id]);
  });

  it("shows a missed visit (issue #10) as urgent too", () => {
    const missedVisit = alert({ kind: "missed_visit", raisedBy: null });
    expect(selectBannerAlerts({ [missedVisit.id]: missedVisit }, [], me).map((a) => a.id)).toEqual([missedVisit.id]);
  });

  it("remembers what this member has seen, per user, across reloads", () => {
    useSeenAlertsStore.getState().start(me);
    useSeenAlertsStore.getState().markSeen("x".repeat(24));
    useSeenAlertsStore.setState({ key: undefined, seen: [] });
    useSeenAlertsStore.getState().start(me);
    expect(useSeenAlertsStore.getState().seen).toEqual(["x".repeat(24)]);
    useSeenAlertsStore.getState().start(karim);
    expect(useSeenAlertsStore.getState().seen).toEqual([]);
  });

  it("puts the warning in the tab's title while it shows, and gives the screen its title back", () => {
    setPageTitle("Anna's circle · Kring");
    setAlertTitle("(!) Help: Anna — Kring");
    expect(document.title).toBe("(!) Help: Anna — Kring");
    setPageTitle("Alerts · Kring"); // navigating does not wipe the warning
    expect(document.title).toBe("(!) Help: Anna — Kring");
    setAlertTitle(undefined);
    expect(document.title).toBe("Alerts · Kring");
  });
});
