// A system notification for an urgent alert, when the member allowed them on this device (asked
// from a button in the settings, never on load: a permission prompt nobody asked for gets denied).
// Like push, the text is neutral ("Urgent alert in Anna's circle"): it may show on a lock screen.

export type PermissionState = "granted" | "denied" | "default" | "unsupported";

export function notificationPermission(): PermissionState {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.permission;
}

export async function askNotificationPermission(): Promise<PermissionState> {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.requestPermission();
}

/** Shows the notification (through the service worker when there is one: Android requires it). */
export async function showSystemNotification(tag: string, title: string, onClick: () => void): Promise<boolean> {
  if (notificationPermission() !== "granted") return false;
  try {
    const registration = await navigator.serviceWorker?.getRegistration().catch(() => undefined);
    if (registration) {
      await registration.showNotification(title, { tag, requireInteraction: true });
      return true;
    }
    const notification = new Notification(title, { tag, requireInteraction: true });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
    return true;
  } catch {
    return false;
  }
}
