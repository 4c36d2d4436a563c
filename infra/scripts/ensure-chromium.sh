#!/usr/bin/env bash
# Makes sure a Chromium is available for the browser tests: uses one that is
# already installed, or installs Debian's package when this user can.
set -euo pipefail
for name in "${CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
  if [ -n "$name" ] && command -v "$name" >/dev/null 2>&1; then exit 0; fi
done
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      echo "Chromium is needed for the browser tests. Install it with: sudo apt-get install -y chromium" >&2; exit 1
    fi
  fi
  echo "Installing Chromium for the browser tests (Debian package)…" >&2
  $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium; }
  exit 0
fi
echo "Chromium is needed for the browser tests: install Chromium or Chrome, or set CHROMIUM to its path." >&2
exit 1
