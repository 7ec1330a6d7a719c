import { useEffect } from "react";
import { useT } from "../features/i18n/use-t";
import { Link } from "../navigation/link";
import { paths } from "../navigation/router";

/**
 * Any path the app does not know (a mistyped or outdated link): says so plainly and offers the way
 * home, instead of an empty page. Inside the staff layout it is the page's content; signed out it
 * stands on its own.
 */
export function NotFoundContent() {
  const { t } = useT();
  useEffect(() => {
    document.title = `${t("notFoundTitle")} · ${t("appName")}`;
  }, [t]);
  return (
    <div className="not-found">
      <h1 className="page-title" tabIndex={-1}>
        {t("notFoundTitle")}
      </h1>
      <p>{t("notFoundText")}</p>
      <p>
        <Link to={paths.home} className="button button-primary">
          {t("notFoundHome")}
        </Link>
      </p>
    </div>
  );
}

export function NotFoundScreen() {
  return (
    <div className="auth-layout">
      <main id="main" className="auth-card">
        <NotFoundContent />
      </main>
    </div>
  );
}
