#!/usr/bin/env bash
# Builds the tally:local image without an image registry: a Debian base made with debootstrap (from the Debian mirror
# in /etc/apt/sources.list*), imported with `docker import` and cached as tally-base:bookworm, and a self-contained
# `dotnet publish -r linux-x64` copied in by deploy/docker/Dockerfile.offline. The image runs like the one the
# Dockerfile builds: user app (uid 1654), entry point /app/tally, data in the /data volume, ports 8000 and 8001.
#
#   deploy/docker/build-offline.sh                 # builds tally:local (reuses tally-base:bookworm if present)
#   TALLY_IMAGE=tally:dev deploy/docker/build-offline.sh
#   TALLY_REBUILD_BASE=1 deploy/docker/build-offline.sh
#
# Needs root (debootstrap), a running Docker engine, debootstrap, and the .NET SDK of global.json.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
image="${TALLY_IMAGE:-tally:local}"
base="${TALLY_BASE_IMAGE:-tally-base:bookworm}"
docker="${DOCKER:-docker}"

# The Debian mirror apt uses here: the first http(s) URI of a deb822 .sources file or a one-line sources.list entry.
mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
          | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' | grep -E '/debian/?$' | head -n 1 || true)
  fi
  echo "${TALLY_DEBIAN_MIRROR:-$uri}"
}

if [ -z "${TALLY_REBUILD_BASE:-}" ] && "$docker" image inspect "$base" >/dev/null 2>&1; then
  echo "build-offline: reusing $base"
else
  command -v debootstrap >/dev/null || { echo "build-offline: debootstrap is missing (apt-get install -y debootstrap)" >&2; exit 1; }
  [ "$(id -u)" -eq 0 ] || { echo "build-offline: debootstrap needs root" >&2; exit 1; }
  url=$(mirror)
  [ -n "$url" ] || { echo "build-offline: no Debian mirror found in /etc/apt/sources.list*; set TALLY_DEBIAN_MIRROR" >&2; exit 1; }
  rootfs=$(mktemp -d /tmp/tally-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  echo "build-offline: debootstrap bookworm from $url (a few minutes, once)"
  # What a self-contained .NET app needs beyond minbase: ICU (globalization), OpenSSL (TLS), CA certificates, time zones.
  debootstrap --variant=minbase --include=libicu72,libssl3,ca-certificates,tzdata bookworm "$rootfs" "$url" >/dev/null
  # The same runtime user as the ASP.NET Core images (app, uid and gid 1654).
  chroot "$rootfs" groupadd --gid 1654 app
  chroot "$rootfs" useradd --uid 1654 --gid 1654 --no-create-home --shell /usr/sbin/nologin app
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
         "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
  chmod 755 "$rootfs" # mktemp made it 0700, and it becomes the image's /
  # docker import keeps no environment: give the base the PATH of Debian's images.
  tar -C "$rootfs" -c . | "$docker" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  echo "build-offline: made $base"
fi

out="$repo/artifacts/docker/app"
rm -rf "$out"
echo "build-offline: dotnet publish -r linux-x64 --self-contained"
dotnet publish "$repo/src/Tally.Cli/Tally.Cli.csproj" -c Release -r linux-x64 --self-contained -o "$out" --nologo -v quiet
# The build context is only the published app and the Dockerfile: no sources, no secrets.
DOCKER_BUILDKIT=0 "$docker" build -q -f "$repo/deploy/docker/Dockerfile.offline" --build-arg "BASE=$base" -t "$image" "$out" >/dev/null
echo "build-offline: built $image"
