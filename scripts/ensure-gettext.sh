#!/usr/bin/env bash
# The translation check extracts strings with GNU gettext (xgettext, msgfmt); install it through apt when
# it is missing and we can.
set -euo pipefail
if command -v xgettext >/dev/null 2>&1 && command -v msgfmt >/dev/null 2>&1; then exit 0; fi
echo "GNU gettext is missing: the translation check needs xgettext and msgfmt." >&2
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
  exit 0
fi
echo "Install it (e.g. 'apt-get install gettext') and run the command again." >&2
exit 1
