import { useT } from "../i18n/use-t";

/** Shown instead of scrolling when a message arrives while the reader is reading older ones. */
export function NewMessagesButton({ onClick }: { onClick: () => void }) {
  const { t } = useT();
  return (
    <div className="new-messages">
      <button type="button" className="button button-primary" onClick={onClick}>
        {t("newMessages")} <span aria-hidden="true">↓</span>
      </button>
    </div>
  );
}
