"""The agency names the importer knows without a directory: abbreviation -> spellings seen in annexes.

Codes are ``<province>/<abbreviation>`` (abbreviations as in DESIGN.md);
spellings are matched accent- and case-insensitively, longest first, by
``agency_names.AgencyMatcher``. A province's directory wins where both know a
spelling.
"""

from __future__ import annotations

BUILTIN: dict[str, tuple[str, ...]] = {
    "sct": ("Sở Công Thương", "SCT", "Sở CT"),
    "stnmt": ("Sở Tài nguyên và Môi trường", "Sở TN&MT", "Sở TNMT", "Sở TN và MT"),
    "skhcn": ("Sở Khoa học và Công nghệ", "Sở KH&CN", "Sở KHCN"),
    "skhdt": ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "Sở KHĐT"),
    "stc": ("Sở Tài chính",),
    "sttt": ("Sở Thông tin và Truyền thông", "Sở Thông tin Truyền thông", "Sở TT&TT", "Sở TTTT"),
    "stp": ("Sở Tư pháp",),
    # Departments as named after the 2025 reorganisation (DESIGN.md abbreviations).
    "snnmt": ("Sở Nông nghiệp và Môi trường", "Sở NN&MT", "Sở NNMT", "Sở NN và MT"),
    "snv": ("Sở Nội vụ",),
    "sxd": ("Sở Xây dựng",),
    "svhttdl": (
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Văn hoá, Thể thao và Du lịch",
        "Sở VHTTDL",
        "Sở VH,TT&DL",
        "Sở VHTT&DL",
    ),
    "ca": ("Công an tỉnh",),
    "bqlkkt": ("Ban quản lý Khu kinh tế", "Ban quản lý KKT", "BQL KKT", "Ban quản lý KKT Đông Nam"),
    "ubnd": ("UBND tỉnh", "Ủy ban nhân dân tỉnh", "Uỷ ban nhân dân tỉnh"),
    # Commune-level committees as one group: never the provincial committee.
    "ubnd-xa": (
        "UBND các xã, phường",
        "UBND các xã, phường, đặc khu",
        "UBND các xã, phường, thị trấn",
        "Ủy ban nhân dân các xã, phường",
        "Uỷ ban nhân dân các xã, phường",
        "UBND cấp xã",
        "Ủy ban nhân dân cấp xã",
        "UBND các xã",
    ),
    "ubnd-huyen": (
        "UBND các huyện",
        "Ủy ban nhân dân các huyện",
        "Uỷ ban nhân dân các huyện",
        "UBND huyện",
        "UBND cấp huyện",
    ),
    "bao": ("Báo",),
    # The provincial newspaper and radio-television merged into one body in 2025.
    "bao-ptth": ("Báo và Phát thanh, Truyền hình", "Báo và PT-TH", "Báo và PTTH"),
    "dai-ptth": (
        "Đài PT-TH",
        "Đài PTTH",
        "Đài Phát thanh Truyền hình",
        "Đài Phát thanh và Truyền hình",
    ),
    "ttkc": (
        "TTKC",
        "TT Khuyến công",
        "TT Khuyến công và Tư vấn PTCN",
        "TT Khuyến công và Tư vấn phát triển công nghiệp",
        "Trung tâm Khuyến công",
        "TTKC-TVPTCN&XTTM",
        "TTKC&TVPTCN",
        "Trung tâm Khuyến công và TVPTCN",
        "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp",
        "Trung tâm Khuyến công & Tư vấn phát triển công nghiệp",
        "Trung tâm Khuyến công Tư vấn phát triển công nghiệp và Xúc tiến thương mại",
    ),
    "to-ho-tro": (
        "Tổ hỗ trợ",
        "Tổ hỗ trợ SXSH",
        "Tổ hỗ trợ áp dụng SXSH",
        "Tổ hỗ trợ sản xuất sạch hơn",
        "Đơn vị hỗ trợ SXSH",
        "Đơn vị hỗ trợ sản xuất sạch hơn",
        "Văn phòng SXSH",
        "Văn phòng hỗ trợ SXSH",
        "Văn phòng sản xuất sạch hơn",
    ),
    # Vague groups: kept as group agencies, never dropped (DESIGN.md).
    "cac-so-nganh": (
        "Các Sở, ngành có liên quan",
        "Các Sở, ngành liên quan",
        "Các Sở, ngành",
        "Các Sở ban ngành liên quan",
        "Các Sở, ban, ngành có liên quan",
        "Các Sở, ban, ngành liên quan",
        "Các Sở, ban ngành",
        "Các Sở, ban, ngành",
        "Các Sở, ngành chức năng",
        "Các ngành có liên quan",
    ),
    "cac-so-nganh-don-vi": (
        "Các Sở, ngành và các đơn vị có liên quan",
        "Các Sở, ban, ngành và các đơn vị có liên quan",
    ),
    "co-quan-truyen-thong": (
        "Các cơ quan truyền thông",
        "Các cơ quan báo chí",
        "Các cơ quan thông tin đại chúng",
    ),
    "truong-day-nghe": ("Các trường dạy nghề tại địa phương", "Các trường dạy nghề"),
    "to-chuc-khcn": ("Các tổ chức KHCN", "Các tổ chức KH&CN", "Các tổ chức khoa học và công nghệ"),
    "don-vi-lien-quan": ("Các đơn vị có liên quan", "Các đơn vị liên quan"),
    "co-so-sxcn": (
        "Các đơn vị sản xuất công nghiệp",
        "Các cơ sở sản xuất công nghiệp",
        "Các doanh nghiệp sản xuất công nghiệp",
        "Các doanh nghiệp",
        "Các cơ sở sản xuất",
    ),
    "doi-tuong-thuc-day": (
        "Các đối tượng có vai trò thúc đẩy áp dụng sản xuất sạch hơn trong công nghiệp",
        "Các đối tượng có vai trò thúc đẩy áp dụng SXSH",
    ),
    "don-vi-tu-van": ("Đơn vị tư vấn", "Các đơn vị tư vấn"),
}
NATIONAL = {"vn/bct": ("Bộ Công Thương", "BCT")}
