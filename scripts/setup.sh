#!/usr/bin/env bash
# Installs what Kring needs on a fresh machine, then the npm packages.
# Safe to run again: it only installs what is missing. Used by README's commands and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[kring setup]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[kring setup] %s\033[0m\n' "$*" >&2; exit 1; }

# Node 20.19+ (mongoose 9 needs it).
if ! command -v node >/dev/null; then fail "Node.js is missing. Install Node 20.19 or newer (https://nodejs.org), then run this again."; fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node $(node -v) is too old. Install Node 20.19 or newer, then run this again."

apt_install() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    say "installing $* with apt-get…"
    if [ ! -f /tmp/.kring-apt-updated ]; then apt-get update -qq && touch /tmp/.kring-apt-updated; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    return 1
  fi
}

# Redis: the launcher starts its own redis-server unless REDIS_URL is set.
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then
  apt_install redis-server || fail "redis-server is missing. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL."
fi

# Go builds the embedded FerretDB (MongoDB-compatible) unless MONGODB_URI is set.
if [ -z "${MONGODB_URI:-}" ]; then
  command -v go >/dev/null || fail "Go is missing: it builds the embedded database. Install Go 1.24+ from https://go.dev/dl, or set MONGODB_URI to a MongoDB 7 server."
fi

# Chromium for the browser tests (Debian's; Playwright's own download is not used).
if ! command -v chromium >/dev/null; then
  apt_install chromium || say "chromium is missing: the browser tests need it (Debian/Ubuntu: sudo apt-get install chromium)."
fi

say "installing npm packages…"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi

if [ -z "${MONGODB_URI:-}" ]; then
  say "preparing the embedded database (first run builds it with Go, about a minute)…"
  npx --no-install tsx packages/devstack/src/prepare.main.ts
fi
say "building the web app…"
npm run --silent build -w @kring/web

say "ready."
