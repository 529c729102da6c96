"""Agency names as printed in annexes map to codes, in order, and unknown names are kept."""

from __future__ import annotations

import pytest

from engine.plan_spec import AgencySpec
from tasks_catalog.importer.agency_names import AgencyMatcher, split_roles


@pytest.fixture
def match():
    # No directory: the built-in spellings alone must do.
    return AgencyMatcher("nghe-an", {}).parse


@pytest.mark.parametrize(
    "printed, abbr",
    [
        ("Sở Công Thương", "sct"),
        ("Sở Công thương", "sct"),
        ("SCT", "sct"),
        ("Sở TN&MT", "stnmt"),
        ("Sở Tài nguyên và Môi trường", "stnmt"),
        ("Sở KH&CN", "skhcn"),
        ("Sở KH&ĐT", "skhdt"),
        ("Sở Kế hoạch và Đầu tư", "skhdt"),
        ("Sở Tài Chính", "stc"),
        ("Sở Thông tin Truyền thông", "sttt"),
        ("Sở Thông tin - Truyền thông", "sttt"),
        ("Sở Tư pháp", "stp"),
        ("Công an tỉnh", "ca"),
        ("Ban quản lý Khu kinh tế", "bqlkkt"),
        ("UBND các huyện, thành phố, thị xã", "ubnd-huyen"),
        ("UBND tỉnh", "ubnd"),
        ("Báo Nghệ An", "bao"),
        ("Đài PT-TH", "dai-ptth"),
        ("Đài phát thanh - truyền hình tỉnh Nghệ An", "dai-ptth"),
        ("TTKC", "ttkc"),
        ("Trung tâm Khuyến công", "ttkc"),
        ("TTKC-TVPTCN&XTTM", "ttkc"),
        ("Tổ hỗ trợ SXSH", "to-ho-tro"),
        ("Đơn vị hỗ trợ SXSH", "to-ho-tro"),
        ("Văn phòng SXSH", "to-ho-tro"),
        ("Các Sở, ngành có liên quan", "cac-so-nganh"),
        ("các cơ quan truyền thông", "co-quan-truyen-thong"),
        ("Các trường dạy nghề tại địa phương", "truong-day-nghe"),
        ("các đơn vị sản xuất công nghiệp", "co-so-sxcn"),
    ],
)
def test_each_usual_spelling_maps_to_its_code(match, printed, abbr):
    parsed = match(printed)
    assert parsed.codes == [f"nghe-an/{abbr}"]
    assert parsed.unknown == []


def test_names_containing_va_are_not_split_but_lists_joined_by_va_are(match):
    parsed = match("Sở Kế hoạch và Đầu tư và Sở Tài nguyên và Môi trường, Sở Tư pháp")
    assert parsed.codes == ["nghe-an/skhdt", "nghe-an/stnmt", "nghe-an/stp"]


def test_cac_so_list_expands_to_one_code_per_department_in_order(match):
    assert match("Các Sở: Công thương, TN&MT, KH&CN").codes == [
        "nghe-an/sct",
        "nghe-an/stnmt",
        "nghe-an/skhcn",
    ]


def test_sct_and_its_promotion_centre_are_two_leads(match):
    assert match("Sở Công Thương và TTKC-TVPTCN&XTTM").codes == ["nghe-an/sct", "nghe-an/ttkc"]
    assert match("Sở Công Thương - Trung tâm Khuyến công và TVPTCN").codes == [
        "nghe-an/sct",
        "nghe-an/ttkc",
    ]


def test_unrecognised_names_are_reported_not_dropped(match):
    parsed = match("Sở Công Thương, Hội Nông dân tỉnh")
    assert parsed.codes == ["nghe-an/sct"]
    assert parsed.unknown == ["Hội Nông dân tỉnh"]


def test_parenthesised_text_is_kept_as_a_qualifier_of_the_agency_before_it(match):
    parsed = match("Sở Công Thương (với các dự án có nguồn từ NS Trung ương)")
    assert parsed.codes == ["nghe-an/sct"]
    assert parsed.qualifiers == [("nghe-an/sct", "với các dự án có nguồn từ NS Trung ương")]


def test_directory_alias_wins_over_the_built_in_table():
    directory = {
        "nghe-an/kkt": AgencySpec(
            "nghe-an/kkt", "Ban quản lý KKT Đông Nam", "EZ", aliases=("BQL KKT Đông Nam",)
        )
    }
    parsed = AgencyMatcher("nghe-an", directory).parse("BQL KKT Đông Nam, Sở Tư pháp")
    assert parsed.codes == ["nghe-an/kkt", "nghe-an/stp"]


def test_chu_tri_and_phoi_hop_in_one_cell_are_split():
    assert split_roles("- Chủ trì: Sở Công Thương - Đơn vị phối hợp: Sở Tư pháp, Báo") == (
        "Sở Công Thương",
        "Sở Tư pháp, Báo",
    )
    assert split_roles("Sở Công Thương") is None
