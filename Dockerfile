# Kring image: the server and the worker compiled to JavaScript (scripts/build-node-app.mjs bundles
# our TypeScript workspaces into apps/*/dist/main.js), run by plain `node` on production
# dependencies only. Development (`npm start`, tests) runs the TypeScript sources with tsx instead.

# ---- manifests: the lock file and every workspace's package.json, for both stages below ----
FROM node:20-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY apps/worker/package.json apps/worker/
COPY apps/web/package.json apps/web/
COPY packages/config/package.json packages/config/
COPY packages/db/package.json packages/db/
COPY packages/devstack/package.json packages/devstack/
COPY packages/domain/package.json packages/domain/
COPY packages/logger/package.json packages/logger/
COPY packages/metrics/package.json packages/metrics/
COPY packages/wiring/package.json packages/wiring/
COPY packages/outbound/package.json packages/outbound/
COPY packages/protocol/package.json packages/protocol/
COPY packages/redis/package.json packages/redis/

# ---- build: every dependency, compile the server and worker, build the web app ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when they change.
COPY --from=manifests /app ./
RUN npm ci --include=dev --no-audit --no-fund
# Sources (.dockerignore keeps host node_modules, .cache and .data out).
COPY . .
RUN npm run build -w @kring/web && npm run build -w @kring/server && npm run build -w @kring/worker

# ---- runtime: production dependencies of the server and the worker, and the compiled files ----
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
COPY --from=manifests /app ./
# Only what the two compiled apps require at run time (our own packages are bundled into them).
RUN npm ci --omit=dev --workspace @kring/server --workspace @kring/worker --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/worker/dist apps/worker/dist
# The web app, served by the API server from apps/web/dist.
COPY --from=build /app/apps/web/dist apps/web/dist
USER node
EXPOSE 4000
# The worker runs from the same image with another command (see docker-compose.yml). The V8 flags
# keep a quiet process's heap as it was, so the first Help after hours is not slowed by garbage
# collection: NODE_PROCESS_FLAGS in packages/config/src/index.ts says why (keep the copies equal).
CMD ["node", "--enable-source-maps", "--no-memory-reducer", "--min-semi-space-size=16", "apps/server/dist/main.js"]
