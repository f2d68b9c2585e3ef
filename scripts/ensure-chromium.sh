#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests; install it through apt when we can.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "Chromium is missing: the browser tests need Debian's chromium package (/usr/bin/chromium)." >&2
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing it with apt-get …" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
if command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "Installing it with sudo apt-get …" >&2
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Could not install it here. Install Chromium (e.g. 'apt-get install chromium') and run make test again." >&2
exit 1
