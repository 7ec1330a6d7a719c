import { paths } from "../../navigation/router";

// Family and staff only (the notice list), so it stays out of the resident's first load.

/** Where a notification leads (in-app notices; the service worker builds the same paths for pushes). */
export function notificationPath(notification: { kind: string; circleId: string; alertId: string | null }): string {
  if (notification.alertId) return paths.alert(notification.circleId, notification.alertId);
  if (notification.kind === "ladder_member_added") return paths.circleSettings(notification.circleId);
  // A reminder of a visit or task (issue #10) opens what comes in that circle.
  if (notification.kind === "visit_reminder") return paths.calendar(notification.circleId, "agenda");
  return paths.conversation(notification.circleId);
}
