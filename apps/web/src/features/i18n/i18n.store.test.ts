import { coreEn } from "./dictionaries/core.en";
import { coreFr } from "./dictionaries/core.fr";
import { coreNl } from "./dictionaries/core.nl";
import { staffEn } from "./dictionaries/staff.en";
import { staffFr } from "./dictionaries/staff.fr";
import { staffNl } from "./dictionaries/staff.nl";
import { loadLanguage, translate, translatePlural } from "./i18n.store";

it("has every word in every language, none left empty", () => {
  for (const [reference, others] of [
    [coreEn, [coreNl, coreFr]],
    [staffEn, [staffNl, staffFr]],
  ] as const) {
    for (const dictionary of others) {
      expect(Object.keys(dictionary).sort()).toEqual(Object.keys(reference).sort());
      for (const value of Object.values(dictionary)) expect(value.trim()).not.toBe("");
    }
  }
});

it("keeps the same placeholders in every translation", () => {
  const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort().join();
  for (const [reference, others] of [
    [coreEn, [coreNl, coreFr]],
    [staffEn, [staffNl, staffFr]],
  ] as const) {
    for (const dictionary of others) {
      for (const [key, text] of Object.entries(reference)) {
        expect([key, placeholders((dictionary as Record<string, string>)[key] ?? "")]).toEqual([key, placeholders(text)]);
      }
    }
  }
});

it("fills placeholders and picks plural forms per language", async () => {
  await loadLanguage("en", ["core", "staff"]);
  await loadLanguage("fr", ["core", "staff"]);
  expect(translate("en", "helpComing", { name: "Marc" })).toBe("Help is coming: Marc is on the way");
  expect(translatePlural("en", "unread", 1)).toBe("1 unread message");
  expect(translatePlural("en", "unread", 3)).toBe("3 unread messages");
  // French treats 0 and 1 as singular.
  expect(translatePlural("fr", "unread", 0)).toBe("0 message non lu");
});

it("keeps the stable English accessible names the tests and assistive tech rely on", () => {
  expect([coreEn.pairingCode, coreEn.message, coreEn.send, coreEn.needHelp, coreEn.imOk, coreEn.callMe]).toEqual([
    "Pairing code",
    "Message",
    "Send",
    "I need help",
    "I'm OK",
    "Call me",
  ]);
  expect([staffEn.email, staffEn.password, staffEn.name, staffEn.signIn, staffEn.createAccount]).toEqual([
    "Email",
    "Password",
    "Name",
    "Sign in",
    "Create account",
  ]);
});
