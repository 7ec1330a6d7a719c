/** @jest-environment jsdom */
import { act, fireEvent, render, screen } from "@testing-library/react";
import { installFakeFetch } from "../../testing/fake-fetch";
import { loadLanguage, useI18nStore } from "../i18n/i18n.store";
import { useSessionStore } from "./session.store";
import SignInScreen from "./sign-in-screen";

const user = { id: "0123456789abcdef01234567", email: "marie@example.be", name: "Marie" };

beforeAll(async () => {
  await loadLanguage("en", ["core", "staff"]);
});

beforeEach(() => {
  localStorage.clear();
  useI18nStore.setState({ language: "en" });
  useSessionStore.setState({ status: "signed-out", user: undefined, token: undefined, deviceToken: undefined });
});

it("labels its fields and button with the stable English names", () => {
  render(<SignInScreen />);
  expect(screen.getByLabelText("Email")).toBeTruthy();
  expect(screen.getByLabelText("Password")).toBeTruthy();
  expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
  expect(screen.getByRole("combobox", { name: "Language" })).toBeTruthy();
});

it("signs in and keeps the device token", async () => {
  installFakeFetch((request) =>
    request.path === "/api/auth/login" ? { status: 200, body: { token: "a.b.c", user, deviceToken: "d".repeat(43) } } : undefined,
  );
  render(<SignInScreen />);
  fireEvent.change(screen.getByLabelText("Email"), { target: { value: user.email } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a long password" } });
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  });
  expect(useSessionStore.getState()).toMatchObject({ status: "signed-in", user });
  expect(JSON.parse(localStorage.getItem("kring.device") ?? "{}")).toMatchObject({ deviceToken: "d".repeat(43) });
});

it("says so when the password is wrong, in the current language", async () => {
  installFakeFetch(() => ({ status: 401, body: { error: { code: "unauthorized", message: "no" } } }));
  render(<SignInScreen />);
  await act(async () => {
    await useI18nStore.getState().setLanguage("fr");
  });
  fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: user.email } });
  fireEvent.change(screen.getByLabelText("Mot de passe"), { target: { value: "wrong password" } });
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "Se connecter" }));
  });
  expect(screen.getByRole("alert").textContent).toBe("Cet e-mail et ce mot de passe ne correspondent pas.");
});
