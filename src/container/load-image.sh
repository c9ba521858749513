#!/usr/bin/env bash
# Loads the image tarball Jib built into podman as NAME:VERSION and NAME:latest, and drops the image those tags
# named before (if no container uses it), so repeated builds do not pile up. Run by the `container` profile.
# Usage: load-image.sh IMAGE_TAR NAME VERSION
set -euo pipefail
tarball=$1
name=localhost/$2
version=$3
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}

previous=$(podman image inspect --format '{{.Id}}' "$name:$version" 2> /dev/null || true)
podman load -q -i "$tarball" > /dev/null
podman tag "$name:$version" "$name:latest"
current=$(podman image inspect --format '{{.Id}}' "$name:$version")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
  podman rmi "$previous" > /dev/null 2>&1 || true
fi
echo "loaded into podman: $name:$version and $name:latest (image ${current:0:12}," \
  "$(podman image inspect --format '{{.Size}}' "$current" | awk '{printf "%.0f MB", $1 / 1e6}'))"
