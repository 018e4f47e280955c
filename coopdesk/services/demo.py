"""The demo cooperative: invented data so a newcomer sees a living app (every later capability adds its part)."""

from __future__ import annotations

from datetime import date, timedelta

from coopdesk.domain import addresses
from coopdesk.domain.cooperative import CooperativeDraft, validate_cooperative
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.phones import normalize_phone
from coopdesk.domain.products import ProductDraft, validate_product
from coopdesk.i18n import _
from coopdesk.services import cooperative
from coopdesk.services.changes import Changes
from coopdesk.storage import cooperative as coop_store
from coopdesk.storage import products as product_store
from coopdesk.storage.database import Database

COOPERATIVE = CooperativeDraft(
    name="Hợp tác xã Nông sản sạch Hồng Phước", tax_code="2801234567", province="Thanh Hóa",
    commune="Xã Yên Định", street="Thôn Hồng Phước", phone="0912 345 678", email="hongphuoc@example.vn",
    representative="Nguyễn Thị Hồng", trace_base_url="https://truyxuat.hongphuoc.example")

MEMBERS = (
    ("Hộ Lê Văn Thắng", "0977 123 456", "Thôn Hồng Phước 1", "Ruộng sắn 1,2 ha"),
    ("Hộ Trịnh Thị Mai", "0388 222 333", "Thôn Hồng Phước 2", "Làm nem chua thủ công"),
    ("Hộ Phạm Đức Ưng", "0869 444 555", "Thôn Đồng Ấp", "Vườn bí đỏ, 0,8 ha"),
)

# (sku, name, English name, unit, weight, price, stars, certificate, authority, issued, province, commune, shelf, gtin)
PRODUCTS = (
    ("YDI-MIEN-500", "Miến sắn Yên Định sợi nhỏ", "Yen Dinh cassava glass noodles", "gói", "500 g", "45.000", "3",
     "2317/QĐ-UBND", "UBND tỉnh Thanh Hóa", "28/06/2024", "Thanh Hóa", "Xã Yên Định", "365", "2000000000015"),
    ("YDI-MIEN-1K", "Miến sắn Yên Định sợi nhỏ", "Yen Dinh cassava glass noodles", "túi", "1 kg", "85k", "3",
     "2317/QĐ-UBND", "UBND tỉnh Thanh Hóa", "28/06/2024", "Thanh Hóa", "Xã Yên Định", "365", ""),
    ("YDI-BUN-500", "Bún sắn khô Hồng Phước", "Hong Phuoc dried cassava vermicelli", "gói", "500 g", "40000", "3",
     "2317/QĐ-UBND", "UBND tỉnh Thanh Hóa", "28/06/2024", "Thanh Hóa", "Xã Yên Định", "365", "2000000000022"),
    ("HRX-NEM-10", "Nem chua Thanh Hóa lá chuối", "Thanh Hoa fermented pork rolls", "chục", "400 g", "50.000", "4",
     "2317/QĐ-UBND", "UBND tỉnh Thanh Hóa", "28/06/2024", "Thanh Hóa", "Phường Hàm Rồng", "7", ""),
    ("HRX-NEM-50", "Nem chua Thanh Hóa lá chuối", "Thanh Hoa fermented pork rolls", "hộp", "1,8 kg", "230.000", "4",
     "2317/QĐ-UBND", "UBND tỉnh Thanh Hóa", "28/06/2024", "Thanh Hóa", "Phường Hàm Rồng", "7", ""),
    ("HRX-NEMRAN-500", "Nem chua rán Hàm Rồng", "Ham Rong fried fermented pork", "hộp", "500 g", "95.000", "3",
     "2317/QĐ-UBND", "UBND tỉnh Thanh Hóa", "28/06/2024", "Thanh Hóa", "Phường Hàm Rồng", "5", ""),
    ("TSE-CUDO-300", "Kẹo cu đơ Hà Tĩnh bánh tráng mè", "Ha Tinh cu do peanut candy", "hộp", "300 g", "60.000",
     "4", "986/QĐ-UBND", "UBND tỉnh Hà Tĩnh", "03/04/2024", "Hà Tĩnh", "Phường Thành Sen", "90", ""),
    ("TSE-CUDO-500", "Kẹo cu đơ gừng Thành Sen", "Thanh Sen ginger peanut candy", "hộp", "500 g", "85.000", "4",
     "986/QĐ-UBND", "UBND tỉnh Hà Tĩnh", "03/04/2024", "Hà Tĩnh", "Phường Thành Sen", "90", ""),
    ("SMO-TRA-100", "Trà búp Tân Cương loại đặc biệt", "Tan Cuong special bud tea", "gói", "100 g", "95.000", "4",
     "1845/QĐ-UBND", "UBND tỉnh Thái Nguyên", "14/10/2023", "Thái Nguyên", "Xã Tân Cương", "540", ""),
    ("SMO-TRA-200", "Trà búp Tân Cương hộp quà", "Tan Cuong bud tea gift box", "hộp", "200 g", "190.000", "4",
     "1845/QĐ-UBND", "UBND tỉnh Thái Nguyên", "14/10/2023", "Thái Nguyên", "Xã Tân Cương", "540", ""),
    ("EAT-CF-RX500", "Cà phê Robusta rang xay nguyên chất", "Pure ground Robusta coffee", "túi", "500 g",
     "140.000", "4", "3102/QĐ-UBND", "UBND tỉnh Đắk Lắk", "21/11/2023", "Đắk Lắk", "Xã Ea Tul", "365", ""),
    ("EAT-CF-HAT1K", "Cà phê hạt Robusta Honey", "Robusta Honey coffee beans", "túi", "1 kg", "260.000", "5",
     "3102/QĐ-BNNMT", "Bộ Nông nghiệp và Môi trường", "21/11/2025", "Đắk Lắk", "Xã Ea Tul", "365", ""),
    ("LNX-VAI-SAY500", "Vải thiều sấy khô Lục Ngạn", "Luc Ngan dried lychee", "túi", "500 g", "120.000", "4",
     "1420/QĐ-UBND", "UBND tỉnh Bắc Giang", "09/08/2024", "Bắc Ninh", "Xã Lục Ngạn", "180", ""),
    ("LDU-BIDO-QUA", "Bí đỏ hồ lô Hồng Phước", "Hong Phuoc gourd pumpkin", "quả", "1,5 kg", "39.000", "",
     "", "", "", "Thanh Hóa", "Xã Yên Định", "60", ""),
    ("LDU-BIDO-SAY250", "Bí đỏ sấy dẻo Lạc Dương", "Lac Duong soft-dried pumpkin", "túi", "250 g", "69.000", "3",
     "775/QĐ-UBND", "UBND tỉnh Lâm Đồng", "16/05/2024", "Lâm Đồng", "Xã Lạc Dương", "180", ""),
)

STORAGE = "Bảo quản nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp."


def write_demo(database: Database, today: date | None = None) -> Changes:
    """Write the demo cooperative into an empty data file, in one transaction."""
    today = today or date.today()
    if cooperative.is_set_up(database) or product_store.count(database):
        raise CoopDeskError(_("{path} already holds a cooperative; the demo is written only into an empty file.")
                            .format(path=database.path))
    coop = validate_cooperative(COOPERATIVE)
    drafts = []
    for (sku, name, name_en, unit, weight, price, stars, cert, authority, issued, province, commune, shelf,
         gtin) in PRODUCTS:
        certs = []
        if sku.startswith("LDU-BIDO-QUA"):
            certs.append({"kind": "VietGAP", "number": "VG-38-0417", "issuer": "Trung tâm Chứng nhận Phù hợp",
                          "issued": (today - timedelta(days=3 * 365 - 45)).strftime("%d/%m/%Y"),
                          "expires": (today + timedelta(days=45)).strftime("%d/%m/%Y")})
        if sku.startswith("YDI-"):
            certs.append({"kind": "HACCP", "number": "HC-2025-118", "issuer": "Viện Chất lượng Thanh Hóa",
                          "issued": "15/01/2025", "expires": "15/01/2028"})
        drafts.append(ProductDraft(sku=sku, name=name, name_en=name_en, unit=unit, net_weight=weight, price=price,
                                   gtin=gtin, ocop_stars=stars, ocop_cert_no=cert, ocop_authority=authority,
                                   ocop_issued=issued, origin_province=province, origin_commune=commune,
                                   shelf_life_days=shelf, storage=STORAGE, certifications=certs))
    products = [validate_product(d) for d in drafts]
    with database.transaction() as db:
        coop_store.save(db, coop, addresses.ADDRESS_SCHEME)
        for name, phone, street, note in MEMBERS:
            parsed = normalize_phone(phone)
            coop_store.add_member(db, name, parsed.e164 if parsed else "", coop.province, coop.commune, street, note)
        product_store.save_many(db, products, addresses.ADDRESS_SCHEME)
    return Changes.everything()
