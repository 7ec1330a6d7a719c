import { useConnectionStore } from "../connection/connection.store";
import { useT } from "../i18n/use-t";

/**
 * The tablet says at all times, in words, whether it is connected: a resident must never believe a
 * call went out when the tablet has no network. The live region stays in the page so each change
 * is announced; the dot is decoration, the words carry the meaning.
 */
export function ResidentConnection() {
  const { t } = useT();
  const status = useConnectionStore((state) => state.status);
  const text = status === "online" ? t("tabletOnline") : status === "connecting" ? t("connecting") : t("offlineBanner");
  return (
    <div role="status" className={`resident-connection resident-connection-${status}`}>
      <span className="resident-connection-dot" aria-hidden="true" />
      <span>{text}</span>
    </div>
  );
}
