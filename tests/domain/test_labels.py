"""Label geometry without fonts or files: slots on the page, whole-dot QR layouts, template and job checks."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.labels import (
    EDGE_MM,
    QUIET,
    check_job,
    parse_offset,
    plan_layout,
    plan_layouts,
    qr_modules_for,
    validate_template,
)

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "coopdesk" / "resources" / "label_templates"
SHIPPED = {p.stem: validate_template(json.loads(p.read_text(encoding="utf-8")), custom=False)
           for p in TEMPLATE_DIR.glob("*.json")}


def test_every_shipped_template_is_valid_and_named_like_its_file():
    assert set(SHIPPED) == {"50x30", "40x30", "35x22", "72x22-2", "104x22-3", "60x40", "100x150", "a4-65",
                            "a4-24", "a4-21", "a4-14"}
    for name, t in SHIPPED.items():
        assert t.name == name
        assert t.qr_min_dots >= 3
        if t.kind == "roll":
            assert t.dpi == 203 and t.rows == 1 and t.page_h == t.label_h
        else:
            assert (t.page_w, t.page_h, t.dpi) == (210, 297, 300)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_slot_lies_on_the_page(name):
    t = SHIPPED[name]
    for i in range(t.per_page):
        x, y = t.slot(i)
        assert -1e-9 <= x and x + t.label_w <= t.page_w + 1e-9
        assert -1e-9 <= y and y + t.label_h <= t.page_h + 1e-9
    assert t.slot(0)[1] > t.slot(t.per_page - 1)[1] or t.rows == 1  # row 1 at the top


def test_sheet_geometry_matches_the_stock():
    t = SHIPPED["a4-65"]
    assert (t.columns, t.rows, t.per_page) == (5, 13, 65)
    assert t.slot(0) == pytest.approx((4.75, 297 - 10.7 - 21.2))
    assert t.slot(64)[0] == pytest.approx(4.75 + 4 * (38.1 + 2.5))
    assert "65" in t.size_text


@given(modules=st.sampled_from([21, 25, 29, 33, 37, 41]), name=st.sampled_from(sorted(SHIPPED)))
def test_layouts_put_the_qr_on_whole_dots_inside_the_label(modules, name):
    t = SHIPPED[name]
    for lay in plan_layouts(t, modules):
        assert t.qr_min_dots <= lay.module_dots <= t.qr_dots
        dot = 72 / t.dpi
        for v in (lay.qr_x, lay.qr_y, lay.qr_size):
            assert v / dot == pytest.approx(round(v / dot))
        assert lay.qr_size == pytest.approx((modules + 2 * QUIET) * lay.module)
        edge = EDGE_MM * 72 / 25.4 - dot / 2
        assert lay.qr_x >= edge and lay.qr_x + lay.qr_size <= lay.width - edge + 1e-6
        assert lay.qr_y >= edge and lay.qr_y + lay.qr_size <= lay.height - edge + 1e-6
        x, top, w, h = lay.text
        assert w > 0 and h > 0 and x >= 0 and x + w <= lay.width and top <= lay.height and top - h >= 0
        if lay.arrangement == "side":
            assert x >= lay.qr_x + lay.qr_size - 1e-6  # text never in the quiet zone
    sizes = [lay.module_dots for lay in plan_layouts(t, modules)]
    assert sizes == sorted(sizes, reverse=True)


def test_qr_size_grows_with_the_address():
    assert qr_modules_for(17, "l") == 21 and qr_modules_for(18, "l") == 25
    assert qr_modules_for(68, "l") == 33 and qr_modules_for(68, "m") == 37
    assert qr_modules_for(500, "m") is None
    assert plan_layout(SHIPPED["35x22"], 57) is None


def test_a_custom_template_with_bad_fields_names_each():
    with pytest.raises(ValidationError) as info:
        validate_template({"name": "Nhãn!", "kind": "tape", "label_w": "abc", "label_h": "5", "gap_x": "-1",
                           "dpi": "250", "qr_error": "x"})
    assert info.value.fields == ["name", "kind", "label_w", "label_h", "gap_x", "dpi", "qr_error"]
    with pytest.raises(ValidationError) as info:
        validate_template({"name": "to", "kind": "sheet", "label_w": "100", "label_h": "50", "columns": "3",
                           "rows": "2", "dpi": "300"})
    assert info.value.fields == ["label_w"]
    roll = validate_template({"name": "cuon-2", "kind": "roll", "label_w": "40", "label_h": "25", "columns": "2",
                              "gap_x": "3"})
    assert roll.page_w == 83 and roll.page_h == 25 and roll.per_page == 2 and roll.custom


def test_job_checks():
    t = SHIPPED["a4-21"]
    check_job(t, [1, 21, 10000], 21)
    for counts, start, field in (([], 1, "lots"), ([0], 1, "count"), ([10001], 1, "count"),
                                 ([10000, 10000, 1], 1, "count"), ([5], 22, "start"), ([5], 0, "start")):
        with pytest.raises(ValidationError) as info:
            check_job(t, counts, start)
        assert info.value.fields == [field]


def test_a_single_label_roll_always_starts_at_one():
    with pytest.raises(ValidationError, match="50x30"):
        check_job(SHIPPED["50x30"], [5], 2)
    check_job(SHIPPED["72x22-2"], [5], 2)


def test_offsets():
    assert parse_offset("0.5,-0.3") == (0.5, -0.3)
    assert parse_offset("0,5; -0,3") == (0.5, -0.3)
    assert parse_offset("") == (0.0, 0.0)
    for bad in ("abc", "1", "11,0"):
        with pytest.raises(CoopDeskError):
            parse_offset(bad)


def test_a_300_dpi_printer_keeps_the_module_size():
    t = SHIPPED["50x30"].with_dpi(300)
    assert t.dpi == 300 and t.qr_dots == 6 and t.qr_min_dots == 4
    with pytest.raises(CoopDeskError):
        SHIPPED["50x30"].with_dpi(250)
