"""Every string the program shows has its Vietnamese, and the compiled catalog matches the source."""

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from coopdesk import i18n

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "coopdesk" / "locale" / "vi" / "LC_MESSAGES" / "coopdesk.po"
MO = PO.with_suffix(".mo")


def _po():
    with PO.open("rb") as fh:
        return read_po(fh)


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT / "coopdesk"), method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "t": None, "ngettext": (1, 2)}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_has_vietnamese():
    catalog = _po()
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_source_messages() - translated)
    assert missing == [], "run scripts/update-translations.sh and translate: " + repr(missing[:10])


def test_compiled_catalog_is_current():
    po = {m.id: m.string for m in _po() if m.id}
    mo = {m.id: m.string for m in read_mo(io.BytesIO(MO.read_bytes())) if m.id}
    assert mo == po


def test_switching_language():
    i18n.set_language("en")
    assert i18n._("Products") == "Products"
    i18n.set_language("vi")
    assert i18n._("Products") == "Sản phẩm"
    assert i18n._("Trace & recall") == "Truy xuất/Thu hồi"


def test_no_gettext_keyword_is_subscripted():
    """Babel 2.19 extracts ``t["x"]`` as a message when ``t`` is a keyword; keep names apart so no
    Babel version can mistake data keys for texts."""
    import ast

    keywords = {"_", "N_", "t", "ngettext"}
    clashes = []
    for path in sorted((ROOT / "coopdesk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in keywords:
                clashes.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert clashes == []


def test_translator_is_made_once_per_language():
    assert i18n.translator("vi") is i18n.translator("vi")
    assert i18n.translator("vi")("Products") == "Sản phẩm"
    assert i18n.translator("en")("Products") == "Products"
