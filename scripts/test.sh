#!/usr/bin/env bash
# make test: every phase runs, each is timed, and the exit code is non-zero if any failed.
#   unit     pytest over tests/ (from-scratch code vs torch/sklearn, errors, properties, explore)
#   strict   a fresh full build (--all, warnings are errors, a failing cell fails): execution #1,
#            every chapter in parallel
#   nbval    execution #2: each chapter of the strict build run again by nbval (two at a time);
#            every output and every number in the prose must equal execution #1 (determinism)
#   browser  headless Chromium over every page of the strict build (static site)
#   lab      Jupyter Lab on a reader's copy of a chapter: Run All, drag a live slider (live world)
# Pass phase names to run a subset: scripts/test.sh unit nbval
set -uo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1 PYTHONHASHSEED=0
# Two workers or chapters run at once on two cores: one BLAS/torch thread each (oversubscribed
# threads make small matrix products many times slower).
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
phases=("$@"); [ ${#phases[@]} -eq 0 ] && phases=(unit strict nbval browser lab)
declare -A result seconds
STRICT=_build/strict
EXECUTED="$STRICT/_build/jupyter_execute/chapters"

# Chapters run on the primed embedding cache (make rag-cache): loading the model there is an error.
WARM="env MLNOTES_REQUIRE_WARM_CACHE=1"
# The print-edition test (tests/test_pdf.py) prints a small site with Chromium and checks Chinese glyphs.
run_unit()   {
  scripts/ensure_chromium.sh || true
  scripts/ensure_cjk_font.sh || true
  # --dist loadgroup: the drill-oracle tests share one run of every checker (library, blocked, Pyodide) per group
  .venv/bin/pytest -q -n 2 --dist loadgroup -m "not browser and not lab" tests
}
run_strict() {
  rm -rf "$STRICT"
  $WARM MLNOTES_EXPLORE=static .venv/bin/python scripts/jb.py build . --path-output "$STRICT" --all -W -n \
    --keep-going 2> >(grep -v "Kernel is running over TCP" >&2)
}
run_nbval() {
  [ -d "$EXECUTED" ] || run_strict || return 1
  $WARM MLNOTES_EXPLORE=static .venv/bin/pytest -q -p no:cacheprovider -n 2 --dist loadfile --nbval \
    --nbval-current-env --nbval-cell-timeout=120 "$EXECUTED"
}
run_browser() {
  scripts/ensure_chromium.sh || true
  [ -f "$STRICT/_build/html/index.html" ] || run_strict || return 1
  MLNOTES_SITE="$STRICT/_build/html" .venv/bin/pytest -q -n 2 -m browser tests/browser
}
run_lab() {
  scripts/ensure_chromium.sh || true
  [ -f "$STRICT/_build/html/index.html" ] || run_strict || return 1
  MLNOTES_SITE="$STRICT/_build/html" .venv/bin/pytest -q -m lab tests/lab
}

status=0
for phase in "${phases[@]}"; do
  echo; echo "━━━━━━━━ make test: $phase ━━━━━━━━"
  start=$(date +%s)
  if "run_$phase"; then result[$phase]=ok; else result[$phase]=FAILED; status=1; fi
  seconds[$phase]=$(( $(date +%s) - start ))
done
echo; echo "━━━━━━━━ make test summary ━━━━━━━━"
for phase in "${phases[@]}"; do printf '  %-8s %-7s %4ss\n' "$phase" "${result[$phase]}" "${seconds[$phase]}"; done
# for make bench (README table): the phase times of this run
mkdir -p _build
{ printf '{"commit": "%s", "status": %s, "phases": {' "$(git rev-parse --short HEAD 2>/dev/null)" "$status"
  sep=""; for phase in "${phases[@]}"; do printf '%s"%s": %s' "$sep" "$phase" "${seconds[$phase]}"; sep=", "; done
  printf '}}\n'; } > _build/test-times.json
exit $status
