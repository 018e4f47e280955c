#!/usr/bin/env bash
# Re-resolve uv.lock after changing the dependencies in pyproject.toml (or to take newer releases with
# --upgrade), then install it. Run the tests before committing the new lock.
#   scripts/update-lock.sh            keep locked versions where pyproject.toml still allows them
#   scripts/update-lock.sh --upgrade  take the newest versions pyproject.toml allows
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test 2>/dev/null || true   # brings .tools/bin/uv even when the lock is stale
.tools/bin/uv lock "$@"
# The same versions with their hashes for a plain pip (a Windows PC without uv): pip install --require-hashes.
.tools/bin/uv export --locked --format requirements-txt --no-emit-project --no-header --quiet -o requirements.lock
bash scripts/setup.sh test
