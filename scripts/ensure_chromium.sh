#!/usr/bin/env bash
# The browser tests drive Debian's Chromium. Install it when we can (root with apt-get);
# otherwise say loudly what is missing (the tests then skip, or fail under CI).
set -uo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests (about a minute)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/tmp/mlnotes-apt.log 2>&1 \
    && exit 0
  echo "apt-get install chromium failed: see /tmp/mlnotes-apt.log"
fi
echo "!!!!!!!! BROWSER TESTS NEED /usr/bin/chromium (Debian package 'chromium'): not installed !!!!!!!!"
exit 1
