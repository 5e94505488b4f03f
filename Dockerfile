# syntax=docker/dockerfile:1
# The recon image: sbx-detect as a single executable, its static helper beside it, the glibc and
# libstdc++ libraries the executable needs, and /etc/passwd with user 20000. Nothing else (no
# shell): run it as it is, or copy /usr/local/libexec/sbx-detect/ and the two links in
# /usr/local/bin into your own glibc-based image. /usr/local/bin/sbx-detect is the static helper
# under the name of the tool: a launcher that checks Node can make threads here, then starts the
# single executable beside it (src/helper/launcher.c).
#
#   docker build -t sbx-detect .
#   docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges sbx-detect
#   docker run --rm --runtime runsc sbx-detect --json
#
# The final stage is exactly what scripts/build-image-rootfs.sh assembles (it runs here too),
# which is how the image's contents are tested on machines without a container engine
# (test/ship/image-rootfs.test.ts runs them under runc and gVisor).

# ---- build: Node 20 on Debian 12, musl-tools for the static helper ----
FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY build.mjs tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
# npm run build makes dist/sbx-detect.cjs, dist/sbx-helper and dist/sbx-detect; the second line
# covers a build.mjs that does not call scripts/build-sea.mjs yet.
RUN npm run build \
 && { [ -x dist/sbx-detect ] || node scripts/build-sea.mjs; } \
 && test -x dist/sbx-helper \
 && ./dist/sbx-detect --version
RUN bash scripts/build-image-rootfs.sh --bin dist/sbx-detect --helper dist/sbx-helper /rootfs

# ---- final: the assembled root, nothing else ----
FROM scratch
COPY --from=build /rootfs/ /
USER 20000:20000
WORKDIR /
ENTRYPOINT ["/usr/local/bin/sbx-detect"]
