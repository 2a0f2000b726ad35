#!/usr/bin/env bash
# Refresh the vendored front-end files in static/vendor from the npm registry.
# Run by hand when upgrading; the app itself never downloads anything.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp package.json "$tmp/"
(cd "$tmp" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
mkdir -p static/vendor/bootstrap
for f in css/bootstrap.min.css css/bootstrap.min.css.map js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js.map; do
  cp "$tmp/node_modules/bootstrap/dist/$f" static/vendor/bootstrap/
done
mkdir -p static/vendor/chartjs
for f in chart.umd.min.js chart.umd.min.js.map; do
  cp "$tmp/node_modules/chart.js/dist/$f" static/vendor/chartjs/
done
# axe-core is test-only: the accessibility tests inject it into the pages they check.
mkdir -p tests/e2e/vendor
cp "$tmp/node_modules/axe-core/axe.min.js" tests/e2e/vendor/
cp "$tmp/node_modules/axe-core/LICENSE" tests/e2e/vendor/axe-core.LICENSE
echo "static/vendor refreshed"
