import { useT } from "../i18n/use-t";
import { useConnectionStore } from "./connection.store";

/**
 * Says plainly when Kring is offline and that nothing typed is lost. The live region is always
 * in the page so screen readers announce the change, not just the first render.
 */
export function ConnectionBanner() {
  const { t } = useT();
  const status = useConnectionStore((state) => state.status);
  return (
    <div role="status" className="connection-status">
      {status === "offline" ? <p className="banner banner-warning">{t("offlineBanner")}</p> : null}
    </div>
  );
}
