# Kring server image. The workspaces are just-in-time TypeScript (package exports point at
# src/index.ts), so there is no build step: tsx runs apps/server/src/main.ts directly.
FROM node:20-bookworm-slim

WORKDIR /app

# Manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY packages/config/package.json packages/config/
COPY packages/db/package.json packages/db/
COPY packages/devstack/package.json packages/devstack/
COPY packages/domain/package.json packages/domain/
COPY packages/protocol/package.json packages/protocol/
COPY packages/logger/package.json packages/logger/
COPY packages/queues/package.json packages/queues/
COPY apps/worker/package.json apps/worker/
COPY apps/web/package.json apps/web/
# tsx is a root devDependency and is what runs the server, hence --include=dev.
RUN npm ci --include=dev --no-audit --no-fund && npm cache clean --force

# Sources (.dockerignore keeps host node_modules, .cache and .data out).
COPY . .
# The web app, served by the API server from apps/web/dist.
RUN npm run build -w @kring/web

ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
USER node
EXPOSE 4000
# The worker runs from the same image with another command (see docker-compose.yml).
CMD ["node", "node_modules/tsx/dist/cli.mjs", "apps/server/src/main.ts"]
