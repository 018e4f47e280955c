#!/usr/bin/env bash
# Re-extract the messages, merge them into each catalog, compile. Run after changing UI text.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
$PY -m babel.messages.frontend extract -F babel.cfg -k _ -k N_ -k t -k ngettext:1,2 --no-location --sort-output \
    --project CoopDesk -o coopdesk/locale/coopdesk.pot .
for po in coopdesk/locale/*/LC_MESSAGES/coopdesk.po; do
    lang=$(basename "$(dirname "$(dirname "$po")")")
    $PY -m babel.messages.frontend update --no-fuzzy-matching --ignore-obsolete -l "$lang" -D coopdesk \
        -i coopdesk/locale/coopdesk.pot -o "$po"
done
$PY -m babel.messages.frontend compile -d coopdesk/locale -D coopdesk --statistics
# Qt's own texts (file dialogs, context menus, standard buttons): PySide6 ships no Vietnamese catalog.
LRELEASE="$(dirname "$PY")/pyside6-lrelease"
if [ -x "$LRELEASE" ]; then
    for ts in coopdesk/locale/qt/*.ts; do
        "$LRELEASE" -silent "$ts" -qm "${ts%.ts}.qm"
    done
fi
