import type { Browser } from "playwright-core";
import { api } from "./api";
import { newPerson } from "./browser";
import type { Stack } from "./stack";

/**
 * A coordinator adds a managed resident and pairs a tablet for her, the way the app does it: a
 * pairing code typed on the tablet's pair screen. Returns the tablet (an English 1280 × 800 browser
 * showing the resident's home) and the resident's id.
 */
export async function pairTablet(browser: Browser, stack: Stack, coordinatorToken: string, circleId: string, name = "Anna") {
  const { member } = await api<{ member: { userId: string } }>(stack.apiUrl, "POST", `/api/circles/${circleId}/residents`, {
    token: coordinatorToken,
    body: { name },
  });
  const { code } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circleId}/residents/${member.userId}/pairing-codes`, {
    token: coordinatorToken,
  });
  const tablet = await newPerson(browser, stack.appUrl, { tablet: true });
  await tablet.page.goto("/pair");
  await tablet.page.getByLabel("Pairing code", { exact: true }).fill(code);
  await tablet.page.getByRole("button", { name: "Connect", exact: true }).click();
  await tablet.page.getByRole("button", { name: "I need help", exact: true }).waitFor();
  return { tablet, residentId: member.userId };
}
