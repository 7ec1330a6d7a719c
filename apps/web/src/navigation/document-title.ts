// The tab's title has two writers: every screen (its heading) and the urgent-alert banner, which
// puts "(!) Help: Anna — Kring" in front while an alert waits to be seen. Each says what it wants;
// this module decides, so navigating while an alert waits does not wipe the warning, and the
// screen's own title comes back as soon as the alert is seen.

let pageTitle: string | undefined;
let alertTitle: string | undefined;

function apply() {
  const title = alertTitle ?? pageTitle;
  if (title !== undefined && typeof document !== "undefined") document.title = title;
}

export function setPageTitle(title: string): void {
  pageTitle = title;
  apply();
}

/** undefined restores the screen's own title. */
export function setAlertTitle(title: string | undefined): void {
  alertTitle = title;
  if (title === undefined && pageTitle === undefined) return;
  apply();
}
