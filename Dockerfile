# syntax=docker/dockerfile:1
# Steward's image: `docker build -t steward .` (see docs/deploy.md). Two stages: the build stage installs
# everything and bundles the Outlook pane and the Gmail add-on; the runtime stage has production
# dependencies only, the TypeScript sources (run through tsx, as `npm start` does), the built assets,
# and runs as the unprivileged `node` user. No secret is baked in: every setting comes from the environment.
# tests/deploy/production-install.test.ts runs this file's runtime-stage COPY and `npm ci` lines in a
# temporary directory and starts the result, so keep those lines simple (COPY src... dest, RUN npm ...).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY backend/package.json backend/
COPY outlook-addin/package.json outlook-addin/
COPY gmail-addon/package.json gmail-addon/
RUN npm ci --no-audit --no-fund
COPY . .
# Only the Gmail bundle's urlFetchWhitelist depends on this; the image itself serves any PUBLIC_URL.
ARG GMAIL_PUBLIC_URL=https://steward.example.com
RUN npm run build -w outlook-addin && PUBLIC_URL="$GMAIL_PUBLIC_URL" npm run build -w gmail-addon

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY backend/package.json backend/
COPY outlook-addin/package.json outlook-addin/
COPY gmail-addon/package.json gmail-addon/
RUN npm ci --omit=dev --no-audit --no-fund -w backend -w shared --include-workspace-root && npm cache clean --force
COPY bin bin/
COPY shared/src shared/src/
COPY backend/src backend/src/
COPY backend/models backend/models/
COPY manifests manifests/
COPY --from=build /app/outlook-addin/dist outlook-addin/dist/
COPY --from=build /app/gmail-addon/dist gmail-addon/dist/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787
# /ready answers 200 once the database answers; 503 with {"error":{"code":"database_unreachable"}} otherwise.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself: in-flight requests finish, workers stop, then it exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/steward.mjs"]
CMD ["serve"]
