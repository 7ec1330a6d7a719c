import { useId } from "react";
import { LANGUAGE_NAMES, LANGUAGES, useI18nStore, type Language } from "./i18n.store";
import { useT } from "./use-t";

/** A plain, always visible select: no flag icons (flags are countries, and Belgium has three languages). */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t } = useT();
  const language = useI18nStore((state) => state.language);
  const setLanguage = useI18nStore((state) => state.setLanguage);
  const id = useId();
  return (
    <div className={`language-switch ${className ?? ""}`}>
      <label htmlFor={id}>{t("language")}</label>
      <select id={id} value={language} onChange={(event) => void setLanguage(event.target.value as Language)}>
        <LanguageOptions />
      </select>
    </div>
  );
}

/** One option per language, each named in itself (for every language select). */
export function LanguageOptions() {
  return LANGUAGES.map((code) => (
    <option key={code} value={code} lang={code}>
      {LANGUAGE_NAMES[code]}
    </option>
  ));
}
