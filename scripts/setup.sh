#!/usr/bin/env bash
# Set up everything sweepwalk needs, idempotently (a second run only rebuilds the JS bundle):
#   .venv/ with sweepwalk installed editable plus its test and demo extras,
#   the root npm packages and the widget bundle (python/sweepwalk/static/widget.js),
#   and, with --ui, Debian's chromium and the ui-tests/ npm packages (Playwright).
# Used by scripts/demo.sh and scripts/test.sh. Needs python3 (>= 3.10) and Node >= 20 / npm.
set -euo pipefail
cd "$(dirname "$0")/.."

UI=0
for arg in "$@"; do
  case "$arg" in
    --ui) UI=1 ;;
    *) echo "usage: scripts/setup.sh [--ui]" >&2; exit 2 ;;
  esac
done

log() { printf '\n==> setup: %s\n' "$*"; }
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 # never download browsers: we use Debian's chromium
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@";
  else echo "setup: need root to run: $*" >&2; return 1; fi
}

apt_install() {
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# --- Node and the root npm packages (esbuild, typescript, vitest) --------------------------------
if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi

# npm ci when package.json or the lockfile changed since the last install (stamp: npm's own
# node_modules/.package-lock.json); otherwise nothing to do.
npm_install_in() {
  local dir=$1 stamp="$1/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package.json" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  log "npm ci in $dir"
  (cd "$dir" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
  touch "$stamp"
}
npm_install_in .

log "npm run build (widget bundle)"
npm run build --silent

# --- Python: .venv with sweepwalk[test,demo] -----------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  log "python3 -m venv .venv"
  python3 -m venv .venv
fi
# Reinstall only when pyproject.toml changed (or the package is not importable from .venv).
stamp=.venv/.sweepwalk-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c "import sweepwalk" 2>/dev/null; then
  log "pip install -e .[test,demo]"
  # The hatch-jupyter-builder hook skips npm here: the bundle was just built above.
  # (grep drops pip's notes about the machine's extra local indexes; pipefail keeps pip's status)
  .venv/bin/python -m pip install -q -e ".[test,demo]" 2>&1 | { grep -v "^WARNING: Location 'file:" || true; }
  echo "$want" > "$stamp"
fi
if [ ! -s python/sweepwalk/static/widget.js ]; then
  echo "setup: python/sweepwalk/static/widget.js is missing after the build" >&2
  exit 1
fi

# --- Browser tests: Debian's chromium and Playwright (in ui-tests/'s own package.json) -----------
if [ "$UI" -eq 1 ]; then
  if [ -z "${SWEEPWALK_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
    apt_install chromium fonts-liberation fonts-dejavu-core
  fi
  npm_install_in ui-tests
fi
log "done"
