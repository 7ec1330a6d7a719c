import { useEffect, useRef, type ReactNode } from "react";
import { useT } from "../features/i18n/use-t";
import { setPageTitle } from "./document-title";

let isFirstPage = true;

/**
 * Every screen's heading and title. After an in-app navigation, focus moves to the new heading so
 * keyboard and screen-reader users start at the top of the new screen (not on the first page
 * load, where the browser's own start is right).
 */
export function Page({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  const { t } = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    setPageTitle(`${title} · ${t("appName")}`);
  }, [title, t]);
  useEffect(() => {
    if (isFirstPage) {
      isFirstPage = false;
      return;
    }
    heading.current?.focus();
  }, []);
  return (
    <div className={className}>
      <h1 ref={heading} tabIndex={-1} className="page-title">
        {title}
      </h1>
      {children}
    </div>
  );
}

export function LoadingScreen() {
  const { t } = useT();
  return (
    <main id="main" className="loading-screen">
      <p role="status">{t("loading")}</p>
    </main>
  );
}
