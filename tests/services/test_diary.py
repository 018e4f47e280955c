import io
import shutil
import subprocess
from datetime import date

import pdfplumber
import pytest
from openpyxl import load_workbook

from coopdesk.domain.errors import CoopDeskError
from coopdesk.services import diary
from coopdesk.services import traceability as trace
from tests.conftest import artifact

TODAY = date(2026, 11, 23)


def test_diary_pdf_reads_back_in_vietnamese(demo_db, tmp_path):
    pdf = diary.write_diary(demo_db, "HP-2025-0001", artifact("pdf", "diary-HP-2025-0001.pdf"))
    with pdfplumber.open(io.BytesIO(pdf.read_bytes())) as doc:
        text = "\n".join(p.extract_text() for p in doc.pages)
    for needle in ("NHẬT KÝ SẢN XUẤT", "HP-2025-0001", "Gieo trồng", "Phun thuốc", "Abamectin 3.6EC",
                   "20 ml / bình 16 l", "2.400 kg", "Lê Văn Thắng", "Ruộng sắn Đồng Mới", "HỢP TÁC XÃ"):
        assert needle in text, needle
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf), str(pdf.with_suffix(""))], check=True, timeout=60)
        assert pdf.with_name("diary-HP-2025-0001-1.png").exists()


def test_diary_xlsx_has_every_event(demo_db, tmp_path):
    out = diary.write_diary(demo_db, "HP-2026-0001", tmp_path / "d.xlsx")
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]][:2] == ["Ngày", "Công việc"]
    assert [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)] == ["Chế biến", "Kiểm nghiệm", "Đóng gói"]
    with pytest.raises(CoopDeskError):
        diary.write_diary(demo_db, "HP-2026-0001", tmp_path / "d.doc")


def _fill(path, rows):
    wb = load_workbook(path)
    ws = wb["Nhật ký"]
    ws.delete_rows(2, ws.max_row)
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_template_round_trip_with_rules_and_row_numbers(demo_db, tmp_path):
    lot = trace.create_lot(demo_db, "NL-SAN-TUOI", area_ids=[1], day=date(2026, 3, 1)).code
    template = diary.write_template(demo_db, tmp_path / "mau.xlsx")
    _fill(template, [
        ["01/03/2026", "Gieo trồng", "Lê Văn Thắng", "Ruộng sắn Đồng Mới", "", "Sắn KM94"],
        ["01/06/2026", "phun thuoc", "Lê Văn Thắng", "VT-38-YD-001", "", "Abamectin 3.6EC (giả định)", "20 ml"],
        ["05/06/2026", "Thu hoạch", "Lê Văn Thắng", "", "", "", "", "hai"],
        ["04/06/2026", "Thu hoạch", "Lê Văn Thắng", "", "", "", "", "500"],
        ["10/06/2026", "Bón phân", "Lê Văn Thắng", "", "", "Phân lạ", "1 tấn"],
    ])
    preview = diary.preview_diary(demo_db, lot, template, TODAY)
    assert [(e.row, e.message.split(":")[0]) for e in preview.errors] == [(4, "Số lượng (kg)"), (5, "Ngày"),
                                                                          (6, "Vật tư")]
    assert "08/06/2026" in preview.errors[1].message  # the first safe day after the spray
    with pytest.raises(CoopDeskError):
        diary.commit_diary(demo_db, preview)
    assert trace.view(demo_db, lot).state.events == []
    _fill(template, [
        ["01/03/2026", "Gieo trồng", "Lê Văn Thắng", "Ruộng sắn Đồng Mới", "", "Sắn KM94"],
        ["01/06/2026", "Phun thuốc", "Lê Văn Thắng", "VT-38-YD-001", "", "Abamectin 3.6EC (giả định)", "20 ml"],
        ["08/06/2026", "Thu hoạch", "Lê Văn Thắng", "", "", "", "", "1.200,5"],
    ])
    preview = diary.preview_diary(demo_db, lot, template, TODAY)
    assert preview.ok and diary.commit_diary(demo_db, preview) == 3
    st = trace.view(demo_db, lot).state
    assert [e.kind for e in st.events] == ["planting", "spraying", "harvest"] and st.harvested_g == 1_200_500


def test_importing_into_a_packed_lot_needs_a_reason(demo_db, tmp_path):
    template = diary.write_template(demo_db, tmp_path / "mau.xlsx")
    _fill(template, [["20/11/2026", "Chăm sóc", "Phạm Đức Ưng"]])
    with pytest.raises(CoopDeskError):
        diary.preview_diary(demo_db, "HP-2026-0002", template, TODAY)
    preview = diary.preview_diary(demo_db, "HP-2026-0002", template, TODAY, reason="Ghi bổ sung từ sổ giấy")
    diary.commit_diary(demo_db, preview, "Ghi bổ sung từ sổ giấy")
    assert trace.corrections(demo_db, "HP-2026-0002")[-1]["reason"] == "Ghi bổ sung từ sổ giấy"


def test_a_sheet_without_the_columns_is_refused(demo_db, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Ngày", "Ghi chú"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(CoopDeskError) as info:
        diary.preview_diary(demo_db, "HP-2025-0001", tmp_path / "x.xlsx", TODAY)
    assert "Công việc" in info.value.message
