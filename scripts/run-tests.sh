#!/usr/bin/env bash
# The whole suite: vitest (unit + integration, inside a private D-Bus session with an
# unlocked gnome-keyring so keytar and MSAL's token cache use a real Secret Service), then
# Playwright end to end against browser mode. Ends with one summary line.
set -u
cd "$(dirname "$0")/.."
mkdir -p .cache/test-results
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The fakes' certificate authority must exist before any process starts, because Node
# reads NODE_EXTRA_CA_CERTS only at start-up.
export HUNTBENCH_TEST_CA_DIR="$PWD/.cache/test-ca"
if [ -f test/fakes/tls.ts ]; then
  ca_path=$(node node_modules/tsx/dist/cli.mjs -e "import('./test/fakes/tls.ts').then((m) => process.stdout.write(m.loadOrCreateTestCa(process.env.HUNTBENCH_TEST_CA_DIR).caCertPath))") || exit 1
  export NODE_EXTRA_CA_CERTS="$ca_path"
fi

rm -f .cache/test-results/vitest.json .cache/test-results/playwright.json
bash scripts/run-keyring.sh node node_modules/vitest/vitest.mjs run \
  --reporter=default --reporter=json --outputFile.json=.cache/test-results/vitest.json
vitest_status=$?
node node_modules/@playwright/test/cli.js test
playwright_status=$?

node scripts/test-summary.mjs .cache/test-results/vitest.json .cache/test-results/playwright.json
if [ "$vitest_status" -ne 0 ] || [ "$playwright_status" -ne 0 ]; then exit 1; fi
