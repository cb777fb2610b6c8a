#!/usr/bin/env bash
# The test command (README quick start, and what .ci/run calls): builds with warnings as errors, makes sure the
# browser tests have Debian's Chromium, runs every test project, and ends with one line: tests: N passed, N failed.
set -euo pipefail
cd "$(dirname "$0")"

results="${TALLY_TEST_RESULTS:-artifacts/test-results}"
rm -rf "$results"
mkdir -p "$results"

# Browser tests drive Debian's Chromium through Playwright; no browser is ever downloaded.
if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: /usr/bin/chromium is missing; installing Debian's chromium package (needs root and the Debian mirror)."
  if [ "$(id -u)" -ne 0 ] || ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
    echo "test.sh: could not install chromium. Run 'apt-get install -y chromium' as root, then run ./test.sh again." >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
fi
# The deployment tests (tests/Tally.Deploy.Tests) run the compose files in a real Docker engine with an image built
# offline: Debian's docker.io (engine), docker-compose (v1) and debootstrap (the image's base) are installed if missing.
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test.sh: installing Debian's ${missing[*]} for the deployment tests (needs root and the Debian mirror)."
  if [ "$(id -u)" -ne 0 ] || ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    echo "test.sh: could not install ${missing[*]}. Run 'apt-get install -y ${missing[*]}' as root, then run ./test.sh again." >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
fi
# A Docker engine: the one running, or one this script starts (vfs storage works on any file system, in a container
# too) and stops at the end.
dockerd_pid=""
stop_dockerd() {
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
}
trap stop_dockerd EXIT
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: no Docker engine answers and only root can start one; start dockerd, then run ./test.sh again." >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
  mkdir -p artifacts
  dockerd --storage-driver=vfs >artifacts/dockerd.log 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "test.sh: dockerd did not start within 60 s; see artifacts/dockerd.log:" >&2
    tail -n 20 artifacts/dockerd.log >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
fi
# The Kubernetes manifests are checked against the schemas inside a pinned npm package (deploy/k8s/validate).
if [ ! -d deploy/k8s/validate/node_modules/kubernetes-models ]; then
  if ! npm ci --prefix deploy/k8s/validate --no-audit --no-fund --loglevel=error >/dev/null; then
    echo "test.sh: could not install deploy/k8s/validate (npm ci); check the npm registry, then run ./test.sh again." >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
fi
export TALLY_CHROMIUM=/usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

dotnet build Tally.slnx -c Release -warnaserror -nologo -v quiet
status=0
# One project at a time: the integration and browser tests start real processes, and this machine has 2 cores.
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --blame-hang-timeout 8m "$@" || status=$?
done

passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  failed=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
