# syntax=docker/dockerfile:1
#
# The `ovs` program as it ships: the packages built and packed to tarballs, installed with npm
# into a clean directory (as any user of the packages installs them), run by plain node as a
# non-root user. One image, every role:
#   docker run … ovs serve --role web      (the API, the webhook, health and metrics on $PORT)
#   docker run … ovs serve --role worker   (the queues and schedules; health and metrics on $PORT)
#   docker run … ovs migrate               (before rolling out a new version)

FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN npm install -g pnpm@10
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig*.json ./
COPY packages ./packages
RUN pnpm install --frozen-lockfile
# `pack` builds each package first (prepack) and keeps only what it publishes: dist and README.
RUN mkdir /tarballs && pnpm -r pack --pack-destination /tarballs

FROM node:20-bookworm-slim AS install
WORKDIR /opt/ovs
COPY --from=build /tarballs /tarballs
RUN npm init -y >/dev/null \
  && npm install --omit=dev --no-audit --no-fund /tarballs/ovs-*.tgz "effect@^3" \
  && rm -rf /tarballs ~/.npm

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    OVS_PROFILE=aws \
    PORT=3000 \
    OVS_DATA_DIR=/var/lib/ovs
WORKDIR /opt/ovs
COPY --from=install /opt/ovs /opt/ovs
RUN mkdir -p /var/lib/ovs && chown node:node /var/lib/ovs
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/liveness').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/opt/ovs/node_modules/.bin/ovs"]
CMD ["serve", "--role", "web"]
