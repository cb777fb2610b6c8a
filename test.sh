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
# The compose file is validated with Debian's docker-compose (`docker-compose config`; no Docker engine is needed).
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "test.sh: docker-compose is missing; installing Debian's docker-compose package (needs root and the Debian mirror)."
  if [ "$(id -u)" -ne 0 ] || ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }; then
    echo "test.sh: could not install docker-compose. Run 'apt-get install -y docker-compose' as root, then run ./test.sh again." >&2
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
