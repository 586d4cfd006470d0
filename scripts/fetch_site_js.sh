#!/usr/bin/env bash
# Fetch the JavaScript the site serves itself (MathJax, require.js, the ipywidgets embed
# manager, the flashcards' FSRS scheduler ts-fsrs) from the npm registry into vendor/
# (git-ignored, listed in html_static_path).
# Idempotent: does nothing when vendor/ already holds these exact versions.
set -euo pipefail
cd "$(dirname "$0")/.."
MATHJAX=mathjax@3.2.2
REQUIREJS=requirejs@2.3.8
HTMLMGR=@jupyter-widgets/html-manager@1.0.15
TSFSRS=ts-fsrs@5.4.2
want="$MATHJAX $REQUIREJS $HTMLMGR $TSFSRS"
if [ -f vendor/VERSIONS ] && [ "$(cat vendor/VERSIONS)" = "$want" ]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching site JavaScript from the npm registry: $want"
(cd "$tmp" && npm pack --silent "$MATHJAX" "$REQUIREJS" "$HTMLMGR" "$TSFSRS" 2>/dev/null >/dev/null)
rm -rf vendor.new && mkdir -p vendor.new/mathjax vendor.new/requirejs vendor.new/html-manager vendor.new/ts-fsrs
tar -xzf "$tmp"/mathjax-*.tgz -C vendor.new/mathjax --strip-components=1 package/es5
tar -xzf "$tmp"/requirejs-*.tgz -C vendor.new/requirejs --strip-components=1 package/require.js
tar -xzf "$tmp"/jupyter-widgets-html-manager-*.tgz -C vendor.new/html-manager --strip-components=1 package/dist
# The flashcards page loads the UMD bundle (window.FSRS); keep its MIT licence beside it.
tar -xzf "$tmp"/ts-fsrs-*.tgz -C vendor.new/ts-fsrs --strip-components=2 package/dist/index.umd.js
tar -xzf "$tmp"/ts-fsrs-*.tgz -C vendor.new/ts-fsrs --strip-components=1 package/LICENSE
# Source maps and the non-AMD bundle are never requested by the site.
rm -f vendor.new/html-manager/dist/*.map vendor.new/html-manager/dist/embed.js
echo "$want" > vendor.new/VERSIONS
rm -rf vendor && mv vendor.new vendor
du -sh vendor/* | sed 's/^/  /'
