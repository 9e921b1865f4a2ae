#!/usr/bin/env bash
# The body of `npm test`: installs the system tools the tests need, runs vitest, prints CI's summary line last.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# initdb is not on PATH in Debian's packaging, only under the versioned directory.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them first, e.g.: sudo apt-get install -y ${missing[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  log="$(mktemp)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "apt-get install ${missing[*]} failed" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  rm -f "$log"
fi

# The browser tests drive the built apps, as the server serves them.
if ! bash scripts/build.sh; then
  echo "building the web apps failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

report=test-output/vitest.json
mkdir -p test-output
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
vitest_status=$?

node - "$report" "$vitest_status" <<'NODE'
const fs = require('node:fs');
const [file, status] = process.argv.slice(2);
let r;
try {
  r = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passed = r.numPassedTests ?? 0;
let failed = r.numFailedTests ?? 0;
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
// A file that fails to load or a failing hook fails no test, but must not read as green.
if (failed === 0 && (status !== '0' || (r.numFailedTestSuites ?? 0) > 0 || r.success === false)) failed = Math.max(1, r.numFailedTestSuites ?? 0);
console.log(`${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : ''));
process.exit(failed > 0 ? 1 : 0);
NODE
