#!/usr/bin/env bash
# Electronegativity (Doyensec's Electron security linter) over the main process, preloads and
# the two HTML pages. It is installed in its own folder (.tools/electronegativity, gitignored):
# beside the app's packages its dependency tree breaks. Fails on any HIGH or MEDIUM finding that
# electronegativity-allowlist.json does not explain (each entry needs a reason).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tool="$root/.tools/electronegativity"
version="1.10.3"
bin="$tool/node_modules/.bin/electronegativity"

if [ ! -x "$bin" ] || ! grep -q "\"version\": \"$version\"" "$tool/node_modules/@doyensec/electronegativity/package.json" 2>/dev/null; then
  echo "installing @doyensec/electronegativity@$version into .tools/electronegativity"
  mkdir -p "$tool"
  [ -f "$tool/package.json" ] || echo '{ "name": "electronegativity-tool", "private": true }' > "$tool/package.json"
  (cd "$tool" && npm install --no-audit --no-fund --ignore-scripts "@doyensec/electronegativity@$version" >/dev/null)
fi

# What ships: main, preloads and pages (tests and test mocks are not part of the app).
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/src"
cp -r "$root/electron" "$stage/src/electron"
find "$stage/src/electron" -name '*.test.ts' -delete
rm -rf "$stage/src/electron/test"
cp "$root/renderer/index.html" "$root/renderer/engine.html" "$root/package.json" "$stage/src/"

electron_version="$(node -p "require('$root/node_modules/electron/package.json').version" 2>/dev/null || echo 45.0.0)"
"$bin" -i "$stage/src" -r -e "$electron_version" -o "$stage/findings.sarif" >/dev/null 2>"$stage/stderr" || true
if [ ! -s "$stage/findings.sarif" ]; then
  echo "electronegativity produced no report:" >&2
  cat "$stage/stderr" >&2
  exit 2
fi
node "$root/scripts/electronegativity-check.mjs" "$stage/findings.sarif" "$root/electronegativity-allowlist.json" "$stage/src"
