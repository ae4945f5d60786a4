# sluice as a container: `docker build -t sluice .`, then see deploy/kubernetes/ and the
# README's "Deployment" section. The image runs `sluice run` as a daemon with the admin
# server on port 9464 (/healthz, /readyz, /metrics).

# Build stage: the full dev toolchain compiles TypeScript to dist/.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and the compiled CLI only.
FROM node:22-slim
# tini as PID 1 forwards SIGTERM to node and reaps zombies; node as PID 1 would not get the
# kernel's default signal handling.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && mkdir -p /app/data \
 && chown node:node /app/data
COPY --from=build /app/dist/src ./dist/src
# The image's own user, not root; /app/data (the file sink's default directory) is its.
USER node
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => { process.exitCode = r.ok ? 0 : 1; }, () => { process.exitCode = 1; })"]
# Exec form, so tini (and through it node) receives SIGTERM itself, not a shell. Node gets the
# flags the `sluice` bin gives it (src/cli/node-flags.ts: memory at full speed).
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--max-semi-space-size=1", "--single-threaded-gc", "/app/dist/src/cli/main.js"]
CMD ["run", "--config", "/etc/sluice/sluice.yaml", "--listen", "0.0.0.0:9464"]
