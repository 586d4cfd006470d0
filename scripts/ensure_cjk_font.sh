#!/usr/bin/env bash
# The print edition (make pdf) and screenshots need a font with Chinese glyphs; a fresh Debian
# machine has none, and Chromium then prints every Chinese character as a box. Install Debian's
# fonts-wqy-microhei (WenQuanYi Micro Hei: 1.6 MB download, 5 MB installed; it covers every CJK
# character the book uses, which scripts/pdf.py checks) when we can (root with apt-get);
# otherwise say loudly what is missing. fonts-noto-cjk (56 MB) works too.
set -uo pipefail
has_font() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; }
has_font && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's fonts-wqy-microhei (a CJK font) for the print edition…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fontconfig fonts-wqy-microhei) \
    >/tmp/mlnotes-apt-font.log 2>&1 && fc-cache -f >/dev/null 2>&1 && has_font && exit 0
  echo "apt-get install fonts-wqy-microhei failed: see /tmp/mlnotes-apt-font.log"
fi
echo "!!!!!!!! NO CJK FONT: Chinese would print as boxes. Install Debian's fonts-wqy-microhei (or fonts-noto-cjk) !!!!!!!!"
exit 1
