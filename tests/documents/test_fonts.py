"""Every printed Vietnamese letter comes out right: the bundled font in a PDF, read back and rendered."""

import io
import shutil
import subprocess

import pdfplumber
import pytest

from coopdesk.documents import fonts
from tests.conftest import artifact

LETTERS = "".join(sorted({c for c in (
    "aàảãáạ ăằẳẵắặ âầẩẫấậ eèẻẽéẹ êềểễếệ iìỉĩíị oòỏõóọ ôồổỗốộ ơờởỡớợ uùủũúụ ưừửữứự yỳỷỹýỵ đ") if c != " "}))
LINE = "Nguyễn Thị Hồng Phước, xã Nà Tấu, tỉnh Điện Biên — Bún khô sắn ưng ý 1.250.000 ₫"


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    regular, bold = fonts.register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(bold, 16)
    c.drawString(40, 780, LINE)
    c.setFont(regular, 14)
    c.drawString(40, 750, LETTERS)
    c.drawString(40, 720, LETTERS.upper())
    c.save()
    return buf.getvalue()


def test_vietnamese_text_reads_back_from_the_pdf():
    with pdfplumber.open(io.BytesIO(_pdf())) as pdf:
        text = pdf.pages[0].extract_text()
    lines = text.splitlines()
    assert lines[0] == LINE
    assert lines[1] == LETTERS
    assert lines[2] == LETTERS.upper()
    assert len(LETTERS) == 73  # 12 vowels x 6 tones, and đ


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is installed by the test command")
def test_the_pdf_renders():
    pdf = artifact("pdf", "fonts.pdf")
    pdf.write_bytes(_pdf())
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                   check=True, timeout=60)
    assert pdf.with_name("fonts-1.png").stat().st_size > 2000
