#!/usr/bin/env bash
# Set up everything sweepwalk needs, idempotently (a second run only rebuilds the JS bundle):
#   .venv/ with sweepwalk installed editable plus its demo extra and the development tools of
#   requirements-test.txt (with --demo: the demo extra only), the root npm packages and the bundle
#   (python/sweepwalk/static/widget.js), and, with --ui, Debian's chromium and the ui-tests/ npm
#   packages (Playwright). pip's progress is shown as it goes, with a line every 15 s when quiet.
# Used by scripts/demo.sh (--demo) and scripts/test.sh (--ui). Needs python3 (>= 3.10), Node >= 20.
set -euo pipefail
cd "$(dirname "$0")/.."

UI=0
EXTRAS=test,demo
for arg in "$@"; do
  case "$arg" in
    --ui) UI=1 ;;
    --demo) EXTRAS=demo ;;
    *) echo "usage: scripts/setup.sh [--ui] [--demo]" >&2; exit 2 ;;
  esac
done

log() { printf '\n==> setup: %s\n' "$*"; }

# Show a long command's output as it goes, each line with the seconds since it started, and a
# "still working" line after 15 s of silence (a big download, pip's install step); drops pip's
# notes about the machine's extra local indexes and already-satisfied requirements.
show_progress() {
  local t0=$SECONDS line status
  while true; do
    if IFS= read -r -t 15 line; then
      case "$line" in
        "WARNING: Location 'file:"* | "Requirement already satisfied"* | "  Using cached"*) ;;
        *) printf '  [%4ss] %s\n' $((SECONDS - t0)) "$line" ;;
      esac
    else
      status=$?
      if [ "$status" -le 128 ]; then # end of output (a timeout is > 128)
        [ -z "$line" ] || printf '  [%4ss] %s\n' $((SECONDS - t0)) "$line"
        break
      fi
      printf '  [%4ss] ... still working\n' $((SECONDS - t0))
    fi
  done
}
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

# --- Python: .venv with sweepwalk[demo] and, for "test", requirements-test.txt ------------------
if [ ! -x .venv/bin/python ]; then
  log "python3 -m venv .venv"
  python3 -m venv .venv
fi
# Reinstall only when pyproject.toml changed, when an extra asked for now was not installed (the
# stamp holds the pyproject hash and the extras), or when the package is not importable.
stamp=.venv/.sweepwalk-installed
hash=$(cat pyproject.toml requirements-test.txt | sha256sum | cut -d' ' -f1)
had_hash='' had_extras=''
if [ -f "$stamp" ]; then read -r had_hash had_extras < "$stamp" || true; fi
missing=0
for extra in ${EXTRAS//,/ }; do
  [[ ",${had_extras:-}," == *",$extra,"* ]] || missing=1
done
if [ "${had_hash:-}" != "$hash" ] || [ "$missing" -eq 1 ] || ! .venv/bin/python -c "import sweepwalk" 2>/dev/null; then
  if [ "${had_hash:-}" = "$hash" ] && [ -n "${had_extras:-}" ]; then
    EXTRAS="$had_extras,$EXTRAS" # keep what is installed in the stamp's list
  fi
  # "test" is not an extra: the development tools are in requirements-test.txt (unpublished)
  extras=$(tr ',' '\n' <<< "$EXTRAS" | grep -vx test | sort -u | paste -sd,)
  requirements=()
  [[ ",$EXTRAS," != *",test,"* ]] || requirements=(-r requirements-test.txt)
  log "pip install -e .[$extras] ${requirements[*]} (a first install takes a few minutes)"
  # The hatch-jupyter-builder hook skips npm here: the bundle was just built above.
  .venv/bin/python -m pip install --progress-bar off -e ".[$extras]" "${requirements[@]}" 2>&1 |
    show_progress
  echo "$hash $(tr ',' '\n' <<< "$EXTRAS" | sort -u | paste -sd,)" > "$stamp"
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
