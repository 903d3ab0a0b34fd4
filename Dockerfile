# groundwork: the HTTP service (and, with another command, the ingestion worker or the MCP server).
# Multi-stage after the methodology's template: build with the dev tools, run with production
# dependencies only, as a non-root user, with a HEALTHCHECK on /health.
#
#   docker build -t groundwork .
#   docker run -p 8787:8787 -v groundwork-data:/data groundwork          # embedded PGlite in /data
#   docker run -p 8787:8787 -e DATABASE_URL=postgres://... groundwork    # a PostgreSQL server
#
# The first start with auth on prints an admin API key once to the logs (docker logs <container>).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# onnxruntime-node's install script otherwise downloads CUDA libraries (GPU use is opt-in).
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY migrations ./migrations
# `npm ci` runs `prepare` (npm run build): dist/ and the PGlite template; then drop the dev tools,
# and onnxruntime-node's macOS and Windows binaries (~220 MB; the image runs Linux).
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund && npm cache clean --force \
    && rm -rf node_modules/onnxruntime-node/bin/napi-v*/darwin node_modules/onnxruntime-node/bin/napi-v*/win32

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    GROUNDWORK_DATA_DIR=/data \
    GROUNDWORK_HOST=0.0.0.0 \
    GROUNDWORK_PORT=8787
WORKDIR /app
RUN groupadd --system groundwork && useradd --system --gid groundwork --home-dir /app --shell /usr/sbin/nologin groundwork \
    && mkdir -p /data/models && chown -R groundwork:groundwork /data
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/migrations ./migrations
COPY --chown=root:root bin ./bin
COPY --chown=root:root samples ./samples
# The embedded database (PGlite) and local models live here unless DATABASE_URL names a server.
VOLUME ["/data"]
USER groundwork
EXPOSE 8787
# No curl in the slim image: Node's fetch checks /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GROUNDWORK_PORT||8787)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/groundwork.js"]
CMD ["serve"]
