#!/usr/bin/env bash
# Make sure PostgreSQL's client programs are there for the PostgreSQL test run: `sirkel backup` and
# `sirkel restore` run pg_dump, pg_restore and psql. Installs Debian's postgresql-client through apt when we can.
set -euo pipefail
if command -v pg_dump >/dev/null && command -v pg_restore >/dev/null && command -v psql >/dev/null; then exit 0; fi
echo "pg_dump, pg_restore or psql is missing: the backup tests on PostgreSQL need postgresql-client." >&2
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing it with apt-get …" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
  exit 0
fi
if command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "Installing it with sudo apt-get …" >&2
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
  exit 0
fi
echo "Could not install it here. Install PostgreSQL's client programs (e.g. 'apt-get install postgresql-client')." >&2
exit 1
