#!/usr/bin/env bash
# Prepares the base image for Jib as an image tarball, and tells Maven (target/container/image.properties) where it
# is, or that the image step is skipped and why. Run by the `container` profile (mvn -Pcontainer verify).
#   1. the configured base (default eclipse-temurin:17-jre, what production uses) if podman has it or can pull it;
#   2. else a Debian bookworm base with openjdk-17-jre-headless built here with debootstrap, kept in podman as
#      localhost/webhook-inbox-base:bookworm-jre17 so later builds reuse it (~35 s to build the first time).
# Usage: base-image.sh CONFIGURED_BASE OUTPUT_DIR
set -euo pipefail
configured=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
local_base=localhost/webhook-inbox-base:bookworm-jre17
properties=$out/image.properties

skip() {
  echo "SKIPPED container image: $1"
  printf 'container.skip=true\ncontainer.skipReason=%s\ncontainer.base=none\n' "$1" > "$properties"
  exit 0
}

command -v podman > /dev/null || skip "podman is not installed (as root on Debian: apt-get install -y podman runc debootstrap)"
command -v runc > /dev/null || skip "runc is not installed (the runtime podman uses here: apt-get install -y runc)"
podman info > /dev/null 2>&1 || skip "podman cannot run here: $(podman info 2>&1 | tail -1)"

# podman wants a registry in the name; Jib's default registry is Docker Hub.
case $configured in
  */*.*/* | localhost/*) reference=$configured ;;
  */*) reference=docker.io/$configured ;;
  *) reference=docker.io/library/$configured ;;
esac

if podman image exists "$reference" || timeout 120 podman pull -q "$reference" > /dev/null 2>&1; then
  base=$reference
  echo "base image: $reference (the configured base)"
else
  base=$local_base
  if podman image exists "$local_base"; then
    echo "base image: $reference cannot be pulled; reusing $local_base built earlier"
  else
    command -v debootstrap > /dev/null \
      || skip "$reference cannot be pulled and debootstrap is not installed to build a local base"
    echo "base image: $reference cannot be pulled; building $local_base with debootstrap"
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$root" > "$out/debootstrap.log" 2>&1 \
      || { tail -20 "$out/debootstrap.log"; skip "debootstrap failed (log: $out/debootstrap.log)"; }
    # Package caches and lists are not needed at run time.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    java_home=$(dirname "$(dirname "$(readlink -f "$root/usr/bin/java")")")
    java_home=${java_home#"$root"}
    tar -C "$root" -c . | podman import -q \
      --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --change "ENV JAVA_HOME=$java_home" --change "ENV LANG=C.UTF-8" \
      - "$local_base" > /dev/null
  fi
fi

rm -f "$out/base.tar"
podman save -q --format docker-archive -o "$out/base.tar" "$base"
printf 'container.skip=false\ncontainer.skipReason=\ncontainer.base=tar://%s\ncontainer.baseName=%s\n' \
  "$out/base.tar" "$base" > "$properties"
