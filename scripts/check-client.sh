#!/usr/bin/env bash
# The second generated client (clients/hey-api, @hey-api/openapi-ts): regenerate it from the
# committed document into a scratch folder, fail on any difference with the committed one, then
# type-check clients/usage.ts against it (a document change that breaks SDK consumers fails here).
set -euo pipefail
cd "$(dirname "$0")/.."
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
npx --no-install openapi-ts -i ./openapi/openapi.json -o "$fresh/hey-api" >/dev/null
if ! diff -ru clients/hey-api "$fresh/hey-api"; then
  echo "clients/hey-api is out of date with openapi/openapi.json: run \`npm run client\` and commit the result" >&2
  exit 1
fi
echo "clients/hey-api is up to date"
npx --no-install tsc -p clients/tsconfig.json
echo "clients/usage.ts type-checks against clients/hey-api"
