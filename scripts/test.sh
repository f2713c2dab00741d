#!/usr/bin/env bash
# Run every test of sweepwalk: ruff, mypy, pytest (incl. the demo notebook through nbclient),
# TypeScript type check, vitest, and the browser tests in a real JupyterLab 4 / Notebook 7
# (ui-tests/, headless Debian chromium). Sets everything up first (scripts/setup.sh --ui).
# Runs every step even when one fails; prints a summary; exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

start=$(date +%s)
names=()
results=()
times=()

run_step() {
  local name=$1
  shift
  printf '\n==> %s: %s\n' "$name" "$*"
  local t0 rc
  t0=$(date +%s)
  "$@"
  rc=$?
  names+=("$name")
  times+=($(($(date +%s) - t0)))
  if [ $rc -eq 0 ]; then results+=("PASS"); else results+=("FAIL (exit $rc)"); fi
}

run_step "setup" ./scripts/setup.sh --ui
if [ "${results[0]}" != "PASS" ]; then
  echo "setup failed: no test was run" >&2
  exit 1
fi
run_step "ruff check" .venv/bin/ruff check .
run_step "ruff format" .venv/bin/ruff format --check .
run_step "mypy" .venv/bin/mypy
run_step "pytest" .venv/bin/python -m pytest
run_step "wheel" ./scripts/check_wheel.sh
run_step "tsc" npx tsc --noEmit
run_step "ui-tests tsc" npx tsc -p ui-tests
run_step "vitest" npm test
run_step "ui-tests" bash -c 'cd ui-tests && npx playwright test'

failed=0
printf '\n==> summary (%ss in all)\n' $(($(date +%s) - start))
for i in "${!names[@]}"; do
  printf '  %-14s %-16s %4ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
  [ "${results[$i]}" = "PASS" ] || failed=$((failed + 1))
done
echo "steps: $((${#names[@]} - failed)) passed, ${failed} failed"
[ "$failed" -eq 0 ]
