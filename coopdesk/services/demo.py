"""The demo cooperative: invented data so a newcomer sees a living app (every later capability adds its part)."""

from __future__ import annotations

from datetime import date, timedelta

from coopdesk.domain import addresses
from coopdesk.domain.cooperative import CooperativeDraft, validate_cooperative
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.lots import EventDraft
from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.domain.phones import normalize_phone
from coopdesk.domain.products import ProductDraft, validate_product
from coopdesk.i18n import _
from coopdesk.services import cooperative, order_entry
from coopdesk.services import traceability as trace
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
    ("NL-SAN-TUOI", "Củ sắn tươi (nguyên liệu làm bún)", "Fresh cassava roots (raw material)", "kg", "1 kg",
     "3.500", "", "", "", "", "Thanh Hóa", "Xã Yên Định", "5", ""),
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
    _write_lots(database, today)
    _write_orders(database, today)
    return Changes.everything()


# (phone as typed, name, street, province, commune, items, shipping, prepaid, status, delivery note)
DEMO_ORDERS = (
    ("0912 345 001", "Nguyễn Thị Hồng", "Bản Nà Tấu 2", "Điện Biên", "Xã Nà Tấu", [("YDI-BUN-500", "4")], "30k", "",
     "delivered", "Cho xem hàng"),
    ("84987654002", "Trần Văn Ba", "12 Lê Lợi", "Thanh Hóa", "Phường Hàm Rồng", [("YDI-BUN-500", "2"),
     ("LDU-BIDO-QUA", "1")], "25k", "", "delivered", ""),
    ("01689 123 003", "Lê Thị Thu Hà", "Thôn 5", "Thái Nguyên", "Xã Tân Cương", [("LDU-BIDO-QUA", "2")], "35k",
     "50k", "handed", ""),
    ("0905.111.004", "Phạm Minh Đức", "88 Trần Phú", "Đắk Lắk", "Xã Ea Tul", [("YDI-BUN-500", "10")], "0", "",
     "returned", "Gọi trước khi giao"),
    ("0977 222 005", "Hoàng Thị Ánh", "Ngõ 3", "Hà Tĩnh", "Phường Thành Sen", [("YDI-BUN-500", "3"),
     ("LDU-BIDO-QUA", "2")], "30k", "", "packed", ""),
    ("0388 333 006", "Vũ Đình Ông", "Khu 2", "Thanh Hóa", "Xã Yên Định", [("YDI-BUN-500", "1")], "20k", "",
     "new", "Cho xem hàng, không cho thử"),
    ("0912 345 001", "Nguyễn Thị Hồng", "Bản Nà Tấu 2", "Điện Biên", "Xã Nà Tấu", [("LDU-BIDO-QUA", "1")], "30k",
     "", "new", ""),
    ("0966 444 007", "Đặng Văn Ưng", "Tổ 7", "Lâm Đồng", "Xã Lạc Dương", [("YDI-BUN-500", "5")], "40k", "",
     "cancelled", ""),
)


def _write_orders(database: Database, today: date) -> None:
    """A past live session with orders in every status, and one customer flagged for refusing COD."""
    day = today - timedelta(days=3)
    start = f"{day.isoformat()} 19:30:00"
    session = order_entry.start_session(database, "Live tối — Bún sắn & bí đỏ Hồng Phước", "TikTok",
                                        "Trịnh Thị Mai", started_at=start)
    path = {"new": [], "packed": ["packed"], "handed": ["packed", "handed"],
            "delivered": ["packed", "handed", "delivered"], "returned": ["packed", "handed", "returned"],
            "cancelled": ["cancelled"]}
    for n, (phone, name, street, province, commune, items, ship, prepaid, status, note) in enumerate(DEMO_ORDERS):
        saved = order_entry.save_order(database, OrderDraft(
            phone=phone, name=name, street=street, province=province, commune=commune,
            raw_address=f"{street}, {commune}, {province}", lines=[LineDraft(sku, qty) for sku, qty in items],
            shipping=ship, prepaid=prepaid, delivery_note=note), session, "Trịnh Thị Mai",
            created_at=f"{day.isoformat()} 19:{35 + 3 * n:02d}:00")
        for step in path[status]:
            order_entry.set_status(database, saved.order_id, step, "Trịnh Thị Mai",
                                   carrier="GHTK" if step == "handed" else "")
    order_entry.end_session(database, session, f"{day.isoformat()} 22:00:00")
    order_entry.flag_customer(database, "0905 111 004", "Không nhận hàng COD 10 gói bún (dữ liệu mẫu)")


def _write_lots(database: Database, today: date) -> None:
    """Growing areas, inputs, raw and processed lots with full timelines, packed stock and one recall."""
    members = {m["name"]: m["id"] for m in coop_store.members(database)}
    thang, mai, ung = (members[n] for n, *_rest in MEMBERS)
    moi = trace.save_area(database, "Ruộng sắn Đồng Mới", "12000", "Thanh Hóa", "Xã Yên Định", "VT-38-YD-001",
                          "19.9906, 105.6522", thang).id
    cao = trace.save_area(database, "Ruộng sắn Đồng Cao", "8000", "Thanh Hóa", "Xã Yên Định", "VT-38-YD-002",
                          "", thang).id
    ap = trace.save_area(database, "Vườn bí Đồng Ấp", "8000", "Thanh Hóa", "Xã Yên Định", "", "", ung).id
    del mai
    km94 = trace.save_input(database, "seed", "Sắn KM94", unit="hom").id
    npk = trace.save_input(database, "fertiliser", "NPK 16-16-8", unit="kg").id
    organic = trace.save_input(database, "fertiliser", "Phân hữu cơ vi sinh", unit="kg").id
    abamectin = trace.save_input(database, "pesticide", "Abamectin 3.6EC (giả định)", "Abamectin", "DEMO-0001",
                                 "7", "ml").id
    bt = trace.save_input(database, "pesticide", "Chế phẩm Bt sinh học (giả định)", "Bacillus thuringiensis",
                          "DEMO-0002", "3", "g").id

    def day(n: int) -> str:
        return (today - timedelta(days=n)).strftime("%d/%m/%Y")

    def add(code: str, kind: str, n: int, person: str, reason: str = "", **kw: str) -> None:
        trace.add_event(database, code, EventDraft(kind=kind, day=day(n), person=person, **kw), reason, today)

    start = today - timedelta(days=330)
    a = trace.create_lot(database, "NL-SAN-TUOI", "2500", [moi], day=start).code
    add(a, "planting", 330, "Lê Văn Thắng", area_id=str(moi), input_id=str(km94), note="Hom giống tự để, 1,2 ha")
    add(a, "fertilising", 300, "Lê Văn Thắng", area_id=str(moi), input_id=str(npk), dose="300 kg/ha")
    add(a, "care", 240, "Lê Văn Thắng", area_id=str(moi), note="Làm cỏ, vun gốc")
    add(a, "spraying", 120, "Lê Văn Thắng", area_id=str(moi), input_id=str(abamectin), dose="20 ml / bình 16 l")
    add(a, "harvest", 100, "Lê Văn Thắng", area_id=str(moi), quantity_kg="2.400")
    b = trace.create_lot(database, "NL-SAN-TUOI", "2000", [cao], day=start).code
    add(b, "planting", 325, "Lê Văn Thắng", area_id=str(cao), input_id=str(km94))
    add(b, "fertilising", 290, "Lê Văn Thắng", area_id=str(cao), input_id=str(organic), dose="2 tấn/ha")
    add(b, "irrigation", 200, "Lê Văn Thắng", area_id=str(cao), note="Tưới nhỏ giọt mùa khô")
    add(b, "harvest", 98, "Lê Văn Thắng", area_id=str(cao), quantity_kg="1800")
    bun = trace.create_lot(database, "YDI-BUN-500", "800", [], [(a, "2000"), (b, "1500")],
                           day=today - timedelta(days=96)).code
    add(bun, "processing", 95, "Trịnh Thị Mai", place="Xưởng HTX Hồng Phước", method="Nghiền, tráng bánh, phơi khô",
        quantity_kg="800")
    add(bun, "quality_test", 93, "Trịnh Thị Mai", lab="Trung tâm Kiểm nghiệm Thanh Hóa (giả định)",
        result="Đạt QCVN 8-2:2011/BYT", passed="đạt")
    add(bun, "packing", 92, "Trịnh Thị Mai", place="Xưởng HTX Hồng Phước", packs="1500", pack_size="500 g")
    pumpkin = trace.create_lot(database, "LDU-BIDO-QUA", "600", [ap], day=today - timedelta(days=150)).code
    add(pumpkin, "planting", 150, "Phạm Đức Ưng", area_id=str(ap), note="Giống bí hồ lô F1")
    add(pumpkin, "fertilising", 130, "Phạm Đức Ưng", area_id=str(ap), input_id=str(organic), dose="1 tấn/ha")
    add(pumpkin, "spraying", 60, "Phạm Đức Ưng", area_id=str(ap), input_id=str(bt), dose="30 g / bình 16 l")
    add(pumpkin, "harvest", 40, "Phạm Đức Ưng", area_id=str(ap), quantity_kg="600")
    add(pumpkin, "packing", 39, "Phạm Đức Ưng", packs="400", pack_size="1,5 kg")
    nem = trace.create_lot(database, "HRX-NEM-10", "90", [], day=today - timedelta(days=20)).code
    add(nem, "processing", 20, "Trịnh Thị Mai", place="Xưởng HTX Hồng Phước", method="Lên men 3 ngày",
        quantity_kg="85")
    add(nem, "packing", 17, "Trịnh Thị Mai", packs="200", pack_size="400 g")
    add(nem, "quality_test", 12, "Trịnh Thị Mai", lab="Trung tâm Kiểm nghiệm Thanh Hóa (giả định)",
        result="Vi sinh vượt ngưỡng", passed="không đạt", reason="Kiểm nghiệm định kỳ sau khi đóng gói")
    trace.recall_lot(database, nem, "Kết quả kiểm nghiệm vi sinh không đạt (dữ liệu mẫu)", today - timedelta(days=11))
