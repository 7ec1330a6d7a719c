import type { Browser } from "playwright-core";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { launchBrowser, newPerson } from "./support/browser";
import { startStack, type Stack } from "./support/stack";

// Access tokens that expire every few seconds: the server ends each socket when its token
// expires, and the app must renew from its device token, reconnect, catch up and keep working
// without anyone noticing.

const TTL_SECONDS = 6;

// Each test drives real browsers against a real stack; the root jest run sets a shorter default.
jest.setTimeout(180_000);

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ accessTokenTtlSeconds: TTL_SECONDS });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test("a paired tablet and a family member keep talking across access-token expiries", async () => {
  const coordinatorEmail = uniqueEmail("sofie");
  const { token } = await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", {
    body: { email: coordinatorEmail, password: PASSWORD, name: "Sofie" },
  });
  const { circle } = await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token, body: { name: "Jan's circle" } });
  const { member } = await api<{ member: { userId: string } }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/residents`, {
    token,
    body: { name: "Jan" },
  });
  const { code } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/residents/${member.userId}/pairing-codes`, {
    token,
  });
  const invitation = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/invitations`, {
    token,
    body: { role: "family" },
  });

  const tablet = await newPerson(browser, stack.appUrl, { tablet: true });
  await tablet.page.goto("/pair");
  await tablet.page.getByLabel("Pairing code", { exact: true }).fill(code.toLowerCase());
  await tablet.page.getByRole("button", { name: "Connect", exact: true }).click();
  await tablet.page.getByRole("button", { name: "I need help", exact: true }).waitFor();

  const family = await newPerson(browser, stack.appUrl);
  const familyEmail = uniqueEmail("tom");
  const familyToken = (
    await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: familyEmail, password: PASSWORD, name: "Tom" } })
  ).token;
  await api(stack.apiUrl, "POST", `/api/invitations/${invitation.code}/accept`, { token: familyToken });
  await family.page.goto("/sign-in");
  await family.page.getByLabel("Email", { exact: true }).fill(familyEmail);
  await family.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await family.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await family.page.getByRole("link", { name: /Jan's circle/ }).click();

  for (let round = 1; round <= 2; round += 1) {
    // Outlive the access tokens of both browsers (and of their sockets).
    await new Promise((resolve) => setTimeout(resolve, (TTL_SECONDS + 2) * 1000));
    const fromFamily = `Round ${round}: how are you, Dad?`;
    await family.page.getByLabel("Message", { exact: true }).fill(fromFamily);
    await family.page.getByRole("button", { name: "Send", exact: true }).click();
    await tablet.page.getByText(fromFamily).waitFor();
    await tablet.page.getByRole("button", { name: "I'm fine", exact: true }).click();
    await family.page.locator(".message-body", { hasText: "I'm fine" }).nth(round - 1).waitFor();
  }
  expect(await tablet.page.getByText("I'm fine", { exact: true }).count()).toBe(3); // the button and two sent messages
  expect(tablet.errors).toEqual([]);
  expect(family.errors).toEqual([]);
});
