import { readStored, writeStored } from "../../lib/storage";

// A short tone for an urgent alert, made with WebAudio (no audio file to download or cache).
// Browsers keep audio silent until the person has interacted with the page, so the context is
// created (or resumed) on the first tap or key press; an alert that arrives before that shows the
// banner and the title without sound, which is the best a page can do.

const SETTING_KEY = "kring.alert-sound";

export function isAlertSoundOn(): boolean {
  return readStored(SETTING_KEY, (value) => (typeof value === "boolean" ? value : undefined)) ?? false;
}

export function setAlertSoundOn(isOn: boolean): void {
  writeStored(SETTING_KEY, isOn);
  if (isOn) unlockAudio();
}

let context: AudioContext | undefined;
let tonesPlayed = 0;

function unlockAudio(): void {
  const Context = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) return;
  try {
    context ??= new Context();
    if (context.state === "suspended") void context.resume().catch(() => undefined);
  } catch {
    context = undefined;
  }
}

let isListening = false;

/** Listens for the first gesture that lets the page play sound (once per page load). */
export function prepareAlertSound(): void {
  if (isListening || typeof window === "undefined") return;
  isListening = true;
  const onGesture = () => {
    if (!isAlertSoundOn()) return;
    unlockAudio();
    if (context?.state === "running") {
      window.removeEventListener("pointerdown", onGesture, true);
      window.removeEventListener("keydown", onGesture, true);
    }
  };
  window.addEventListener("pointerdown", onGesture, true);
  window.addEventListener("keydown", onGesture, true);
}

/** Two short high beeps (~0.5 s in all); nothing when the member has not turned sound on. */
export function playAlertTone(): boolean {
  if (!isAlertSoundOn()) return false;
  unlockAudio();
  if (!context || context.state !== "running") return false;
  const start = context.currentTime + 0.01;
  for (const offset of [0, 0.3]) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.22);
  }
  tonesPlayed += 1;
  document.documentElement.dataset.alertTones = String(tonesPlayed);
  return true;
}
