#!/usr/bin/env bash
# Check one chapter quickly while writing it (the whole book is checked by `make test`):
#   1. its unit tests (tests/test_<module>*.py, or the files given in TESTS="…")
#   2. a strict build of the book in which only this chapter executes (the others are read, so
#      cross-references resolve); any warning about this chapter fails
#   3. nbval: the chapter executed again and compared with that build (outputs and {eval} values)
# Usage: scripts/check_chapter.sh optimizers            (TESTS="tests/test_optim*.py" to choose tests)
set -uo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/check_chapter.sh CHAPTER}
[ -f "chapters/$name.md" ] || { echo "no chapters/$name.md"; exit 2; }
export MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1 PYTHONHASHSEED=0 MLNOTES_EXPLORE=static
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
out="_build/check-$name"
status=0
if [ -n "${TESTS:-}" ]; then
  echo "── unit tests: $TESTS"; .venv/bin/pytest -q -x $TESTS || status=1
fi
case "$name" in rag*) .venv/bin/python -m mlnotes.rag.prime >/dev/null ;; esac  # the RAG chapters embed the book
echo "── strict build (only $name executes) → $out"
rm -rf "$out"
MLNOTES_ONLY="$name" MLNOTES_REQUIRE_WARM_CACHE=1 .venv/bin/python scripts/jb.py build . --path-output "$out" --all \
  --keep-going > "$out.log" 2>&1
warnings=$(grep -E "WARNING|ERROR" "$out.log" | grep -F "chapters/$name.md" )
if [ -n "$warnings" ] || ! [ -f "$out/_build/jupyter_execute/chapters/$name.ipynb" ]; then
  echo "$warnings"; echo "✗ build problems in chapters/$name.md (full log: $out.log)"; status=1
else
  echo "✓ no warning about chapters/$name.md"
fi
echo "── nbval: a second execution compared with the build"
MLNOTES_REQUIRE_WARM_CACHE=1 .venv/bin/pytest -q -p no:cacheprovider --nbval --nbval-current-env \
  "$out/_build/jupyter_execute/chapters/$name.ipynb" || status=1
grep -o "done chapters/$name in [0-9.]* s" "$out.log"
exit $status
