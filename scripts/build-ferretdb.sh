#!/usr/bin/env bash
# Builds the embedded FerretDB server (ferretdb/main.go) into .tools/ferretdb.
# Skips the build when the binary is newer than ferretdb/go.mod, go.sum and main.go.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/ferretdb"
out="$root/.tools/ferretdb"

if [[ -x "$out" && "$out" -nt "$src/go.sum" && "$out" -nt "$src/go.mod" && "$out" -nt "$src/main.go" ]]; then
  echo "ferretdb: up to date ($out)"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    echo "ferretdb: 'go' not found; install Go >= 1.24 (https://go.dev/dl) and put it on PATH" >&2
    exit 1
  fi
fi

mkdir -p "$root/.tools"
echo "ferretdb: building $out ..."
start=$SECONDS
(cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$out.tmp" . && mv -f "$out.tmp" "$out")
echo "ferretdb: built in $((SECONDS - start))s"
