#!/usr/bin/env bash
# Installs what the tests need and runs every test: typecheck, lint, unit/component tests
# (vitest), web-mode end-to-end tests (Playwright in Debian's Chromium), Electron e2e (skipped
# with a reason where no Electron binary exists) and the Electron security scan.
# Ends with one summary line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
# onnxruntime-node's CUDA download is switched off for every install by the project's .npmrc.
export VK_ICD_FILENAMES="${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}"
mkdir -p test-results

# System packages: Chromium (e2e, its SwiftShader Vulkan driver for WebGPU), the Vulkan loader
# (dawn.node), Xvfb (Electron e2e where a binary exists), Debian's python3 with onnx, torch and
# numpy (the interop tests validate ONNX exports with onnx.checker and load safetensors into torch; the
# attach-mode end-to-end tests drive a real training loop with python/backprop_lens_attach).
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libvulkan.so.1 ] || need+=(libvulkan1)
command -v xvfb-run >/dev/null || need+=(xvfb)
/usr/bin/python3 -c 'import onnx' 2>/dev/null || need+=(python3-onnx)
/usr/bin/python3 -c 'import torch' 2>/dev/null || need+=(python3-torch)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy) # also compare's planted-bug tests (engine/compare/planted-bugs.test.ts)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing system packages: ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "== missing system packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})"
  fi
fi

echo "== npm ci"
npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0; skipped=0
step() { # step NAME CMD...: one pass/fail entry for a whole command
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); echo "-- $name: ok"; else failed=$((failed + 1)); echo "-- $name: FAILED"; fi
}

step typecheck npx vue-tsc -b
step lint npx eslint .
# No import cycles between source files; no source file past 500 lines without a reason at its top.
step import-cycles node scripts/check-cycles.mjs
step size-budget node scripts/check-size.mjs

echo "== unit and component tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json
read -r p f s < <(node scripts/count-results.mjs vitest test-results/vitest.json)
passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))

if [ -f playwright.config.ts ]; then
  echo "== end-to-end tests (Playwright)"
  PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json npx playwright test --reporter=list,json
  read -r p f s < <(node scripts/count-results.mjs playwright test-results/playwright.json)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
fi

if [ -f scripts/electronegativity.sh ]; then
  step electronegativity bash scripts/electronegativity.sh
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
