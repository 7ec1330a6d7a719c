import { useId, useState } from "react";
import { isAlertSoundOn, playAlertTone, setAlertSoundOn } from "../alerts/alert-sound";
import { askNotificationPermission, notificationPermission, type PermissionState } from "../alerts/system-notification";
import { useT } from "../i18n/use-t";

/**
 * How urgent alerts reach this member on this device (issue #9): a short tone, and system
 * notifications. Both are per device (a laptop at work may stay silent, the phone not), and the
 * browser's permission is asked only from this button, never on load.
 */
export function AlertDeviceSection() {
  const { t } = useT();
  const headingId = useId();
  const soundId = useId();
  const [isSoundOn, setIsSoundOn] = useState(isAlertSoundOn);
  const [permission, setPermission] = useState<PermissionState>(notificationPermission);

  const toggleSound = (isOn: boolean) => {
    setAlertSoundOn(isOn);
    setIsSoundOn(isOn);
    // The tap that turns it on is the gesture browsers need before they play sound: play it now.
    if (isOn) playAlertTone();
  };
  const permissionText =
    permission === "granted"
      ? t("systemNotificationsOn")
      : permission === "denied"
        ? t("systemNotificationsBlocked")
        : permission === "unsupported"
          ? t("systemNotificationsUnsupported")
          : t("systemNotificationsOff");

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("alertDeviceTitle")}</h2>
      <div className="checkbox-field">
        <input id={soundId} type="checkbox" checked={isSoundOn} onChange={(event) => toggleSound(event.target.checked)} />
        <label htmlFor={soundId}>{t("alertSound")}</label>
      </div>
      <p role="status">{permissionText}</p>
      {permission === "default" ? (
        <button type="button" className="button button-primary" onClick={() => void askNotificationPermission().then(setPermission)}>
          {t("systemNotificationsAllow")}
        </button>
      ) : null}
    </section>
  );
}
