import { AuthResponse } from "@kring/protocol";
import { apiRequest } from "../../lib/api";
import { useI18nStore } from "../i18n/i18n.store";
import { saveNotificationLanguage } from "../settings/notification-language";
import { useSessionStore } from "./session.store";

// Email and password are for family and staff only; a resident's tablet pairs with a code.

export async function signIn(email: string, password: string): Promise<void> {
  const data = await apiRequest("POST", "/api/auth/login", { body: { email, password }, schema: AuthResponse, isAuthenticated: false });
  useSessionStore.getState().beginSession(data, false);
}

export async function signUp(name: string, email: string, password: string): Promise<void> {
  const data = await apiRequest("POST", "/api/auth/register", {
    body: { name, email, password },
    schema: AuthResponse,
    isAuthenticated: false,
  });
  useSessionStore.getState().beginSession(data, false);
  // A new account's notifications start in the language it was created in.
  await saveNotificationLanguage(useI18nStore.getState().language).catch(() => undefined);
}
