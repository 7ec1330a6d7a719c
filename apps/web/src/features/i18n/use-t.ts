import { useCallback, useMemo } from "react";
import type { MessageKey } from "./dictionaries";
import { localeFor, translate, translatePlural, useI18nStore, type Language, type PluralBase, type Vars } from "./i18n.store";

export type Translator = {
  language: Language;
  locale: string;
  t(key: MessageKey, vars?: Vars): string;
  tPlural(base: PluralBase, count: number, vars?: Vars): string;
};

/** The current language's translator; components re-render when the language changes. */
export function useT(): Translator {
  const language = useI18nStore((state) => state.language);
  const t = useCallback((key: MessageKey, vars?: Vars) => translate(language, key, vars), [language]);
  const tPlural = useCallback(
    (base: PluralBase, count: number, vars?: Vars) => translatePlural(language, base, count, vars),
    [language],
  );
  return useMemo(() => ({ language, locale: localeFor(language), t, tPlural }), [language, t, tPlural]);
}
