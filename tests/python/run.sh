#!/usr/bin/env bash
# The Python package's tests (python/): builds the wheel with maturin into a temporary folder outside
# the checkout, installs it into a fresh virtual environment with the pinned test tools
# (tests/python/requirements.txt: pytest, pytest-xdist, boto3, mypy, moto[server]), type-checks the
# installed package with mypy --strict, runs the startup measurement once, briefly (so that it keeps
# working), then the package's tests (python/tests) with two workers.
#
#   bash tests/python/run.sh
#
# Environment:
#   SLRSIM_WHEEL_PROFILE  the Cargo profile of the wheel's program (default: dev, which reuses what
#                         `cargo test` built; users' wheels are built with the default, release)
#   PYTHON                the Python that makes the environments (default: python3)
#   PY_KEEP=1             keep the temporary folder (wheel, environment) even when the tests pass
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

PYTHON=${PYTHON:-python3}
PROFILE=${SLRSIM_WHEEL_PROFILE:-dev}
# maturin itself, pinned as pyproject.toml's build-system pins it.
MATURIN=$(sed -n 's/^requires = \["\(maturin==[^"]*\)"\]$/\1/p' pyproject.toml)
[ -n "$MATURIN" ] || { echo "python tests: no pinned maturin in pyproject.toml" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/slrsim-python.XXXXXX")
cleanup() {
  local code=$?
  if [ "$code" -eq 0 ] && [ "${PY_KEEP:-0}" != 1 ]; then
    rm -rf "$WORK"
  else
    echo "python tests: kept $WORK" >&2
  fi
}
trap cleanup EXIT

echo "--- python: building the wheel ($MATURIN, profile $PROFILE)"
"$PYTHON" -m venv "$WORK/build-venv"
"$WORK/build-venv/bin/pip" install --quiet --disable-pip-version-check "$MATURIN"
"$WORK/build-venv/bin/maturin" build --locked --profile "$PROFILE" --out "$WORK/wheels"
WHEEL=$(ls "$WORK"/wheels/slrsim-*.whl)
echo "wheel: $(basename "$WHEEL")"

echo "--- python: a fresh environment with the wheel"
"$PYTHON" -m venv "$WORK/venv"
VENV="$WORK/venv"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/python/requirements.txt
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps "$WHEEL"
# The program is on the environment's PATH, and no Rust is needed to run it.
"$VENV/bin/slrsim" --version

echo "--- python: mypy --strict on the installed package"
(cd "$WORK" && "$VENV/bin/mypy" --strict --no-incremental -p slrsim)

echo "--- python: the startup measurement, briefly"
"$VENV/bin/python" python/bench/startup.py --rounds 3 --basetemp "$WORK/bench"

echo "--- python: the package's tests"
# From outside the checkout's python/ folder, so that `import slrsim` is the installed wheel.
(cd "$WORK" && "$VENV/bin/python" -m pytest "$ROOT/python/tests" -p no:cacheprovider -n 2 -q \
  --basetemp="$WORK/pytest")
