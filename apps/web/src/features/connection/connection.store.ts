import { create } from "zustand";

type ConnectionStatus = "connecting" | "online" | "offline";

type ConnectionState = {
  status: ConnectionStatus;
  setStatus(status: ConnectionStatus): void;
};

export const useConnectionStore = create<ConnectionState>()((set) => ({
  status: "connecting",
  setStatus: (status) => set({ status }),
}));

const connectListeners = new Set<() => void>();

/** Screens that must refresh after a reconnect (the alert inbox) subscribe here; returns the unsubscribe. */
export function onReconnect(listener: () => void): () => void {
  connectListeners.add(listener);
  return () => connectListeners.delete(listener);
}

export function notifyReconnected(): void {
  for (const listener of connectListeners) listener();
}
