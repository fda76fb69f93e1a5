#!/usr/bin/env bash
# Makes the base image every Dockerfile of docker/images starts FROM, debian:bookworm-slim, from Debian's own packages
# when no registry can be reached (the machines this project is tested on): debootstrap's minimal Debian 12, imported
# into podman under the name a FROM line uses, so that no pull is attempted. The root file system is kept as a
# tarball in docker/target (ignored by git) for the next run. With Docker and a registry, none of this is needed.
set -euo pipefail
IMAGE=docker.io/library/debian:bookworm-slim
ENGINE=${CARDSTREAM_CONTAINER_ENGINE:-podman}
if "$ENGINE" image exists "$IMAGE" 2>/dev/null; then
  echo "base-image: $IMAGE is there already."
  exit 0
fi
CACHE=$(cd "$(dirname "$0")/.." && pwd)/target/debian-bookworm-rootfs.tar
if [ ! -s "$CACHE" ]; then
  ROOTFS=$(mktemp -d)
  trap 'rm -rf "$ROOTFS"' EXIT
  echo "base-image: debootstrap bookworm (minbase) from ${DEBIAN_MIRROR:-http://deb.debian.org/debian}..."
  debootstrap --variant=minbase bookworm "$ROOTFS" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  mkdir -p "$(dirname "$CACHE")"
  tar -C "$ROOTFS" -cf "$CACHE.partial" . && mv "$CACHE.partial" "$CACHE"
fi
"$ENGINE" import "$CACHE" "$IMAGE" >/dev/null
echo "base-image: imported $IMAGE from $CACHE."
