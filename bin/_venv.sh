# Sourced by bin/run and bin/test: a virtual environment in .venv with the project's
# dependencies (and extras, when EXTRAS is set), reinstalled only when pyproject.toml changes.
set -euo pipefail
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.samrehab-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) ${EXTRAS:-}"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet ".${EXTRAS:+[$EXTRAS]}"
  echo "$want" > "$stamp"
fi
