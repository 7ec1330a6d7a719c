import { create } from "zustand";
import { readStored, writeStored } from "../../lib/storage";
import type { DictionaryPart, MessageKey } from "./dictionaries";

export const LANGUAGES = ["nl", "fr", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, so someone who can't read the current one still finds theirs. */
export const LANGUAGE_NAMES: Record<Language, string> = { nl: "Nederlands", fr: "Français", en: "English" };

const STORAGE_KEY = "kring.language";

type Words = Partial<Record<MessageKey, string>>;

// Only the words in use are downloaded: the current language's core part (the resident's screen
// and pairing) before the first render, its staff part with the staff screens, and another
// language only when someone picks it.
const LOADERS: Record<Language, Record<DictionaryPart, () => Promise<Words>>> = {
  nl: { core: () => import("./dictionaries/core.nl").then((m) => m.coreNl), staff: () => import("./dictionaries/staff.nl").then((m) => m.staffNl) },
  fr: { core: () => import("./dictionaries/core.fr").then((m) => m.coreFr), staff: () => import("./dictionaries/staff.fr").then((m) => m.staffFr) },
  en: { core: () => import("./dictionaries/core.en").then((m) => m.coreEn), staff: () => import("./dictionaries/staff.en").then((m) => m.staffEn) },
};
const words: Record<Language, Words> = { nl: {}, fr: {}, en: {} };
const loadedParts = new Set<string>();
const partsInUse = new Set<DictionaryPart>(["core"]);

/** Loads parts of a language's dictionary once; translate() needs them loaded. */
export async function loadLanguage(language: Language, parts: DictionaryPart[] = [...partsInUse]): Promise<void> {
  await Promise.all(
    parts.map(async (part) => {
      partsInUse.add(part);
      const id = `${language}:${part}`;
      if (loadedParts.has(id)) return;
      Object.assign(words[language], await LOADERS[language][part]());
      loadedParts.add(id);
    }),
  );
}

/** For the lazily loaded staff screens: their module and their words arrive together. */
export function withStaffWords<T>(load: () => Promise<T>): Promise<T> {
  return Promise.all([load(), loadLanguage(useI18nStore.getState().language, ["core", "staff"])]).then(([module]) => module);
}

function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

/** The saved choice, else the first browser language we speak, else Dutch (Kring starts in Flanders). */
function detectLanguage(): Language {
  const saved = readStored(STORAGE_KEY, (value) => (isLanguage(value) ? value : undefined));
  if (saved) return saved;
  for (const tag of browserLanguages()) {
    const primary = tag.toLowerCase().split("-")[0];
    if (isLanguage(primary)) return primary;
  }
  return "nl";
}

/**
 * The BCP 47 locale for dates and numbers: the browser's own regional variant of the chosen
 * language when it has one (nl-NL stays nl-NL), else the Belgian one (British for English).
 */
export function localeFor(language: Language): string {
  const match = browserLanguages().find((tag) => tag.toLowerCase().split("-")[0] === language);
  if (match) return match;
  return { nl: "nl-BE", fr: "fr-BE", en: "en-GB" }[language];
}

export type Vars = Record<string, string | number>;

export function translate(language: Language, key: MessageKey, vars?: Vars): string {
  const template = words[language][key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Keys that come in _one/_other pairs, chosen with the language's plural rules. */
type PluralBase = {
  [K in MessageKey]: K extends `${infer Base}_one` ? (`${Base}_other` extends MessageKey ? Base : never) : never;
}[MessageKey];

export function translatePlural(language: Language, base: PluralBase, count: number, vars?: Vars): string {
  const category = new Intl.PluralRules(localeFor(language)).select(count);
  const key = (category === "one" ? `${base}_one` : `${base}_other`) as MessageKey;
  return translate(language, key, { count, ...vars });
}

type I18nState = {
  language: Language;
  setLanguage(language: Language): Promise<void>;
};

function applyToDocument(language: Language): void {
  if (typeof document !== "undefined") document.documentElement.lang = language;
}

export const useI18nStore = create<I18nState>()((set) => ({
  language: detectLanguage(),
  async setLanguage(language) {
    await loadLanguage(language);
    writeStored(STORAGE_KEY, language);
    applyToDocument(language);
    set({ language });
  },
}));

applyToDocument(useI18nStore.getState().language);

export type { PluralBase };
