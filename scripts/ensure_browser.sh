#!/usr/bin/env bash
# Make sure the browser tests have a browser, or fail loudly: they are never skipped.
# Order: Debian chromium (already there, or apt-get when we may install), else Playwright's own download
# (`playwright install chromium`) where that is reachable. Prints nothing when a browser is already there.
set -euo pipefail
BIN=${1:-.venv/bin}

if command -v chromium >/dev/null 2>&1 || [ -n "${TANDEM_CHROMIUM:-}" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo_cmd=(sudo -n)
  if [ "$(id -u)" -eq 0 ] || [ ${#sudo_cmd[@]} -gt 0 ]; then
    echo "browser: installing Debian chromium with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
    command -v chromium >/dev/null 2>&1 && exit 0
  fi
fi
echo "browser: no Debian chromium and no rights to apt-get it; trying Playwright's own download"
if "$BIN/playwright" install chromium; then
  exit 0
fi
cat >&2 <<'MSG'
browser: FAILED — the browser tests need a Chromium and none could be provided.
  Install Debian's (sudo apt-get install chromium), or make Playwright's download reachable
  (.venv/bin/playwright install chromium), or point TANDEM_CHROMIUM at a Chromium binary.
MSG
exit 1
