package i18n

// The accounts page (issue 13, part 6), kept apart from messages.go so that
// sessions adding pages do not edit the same lines.
func init() {
	add(map[string]string{
		"nav.accounts":             "Tài khoản",
		"page.accounts":            "Tài khoản người dùng",
		"accounts.help":            "Tạo tài khoản, đặt vai trò và phạm vi nhập số liệu, tạm khóa hay cấp lại mật khẩu. Mật khẩu dùng một lần chỉ hiện một lần: hãy trao cho người dùng ngay.",
		"accounts.list":            "Các tài khoản",
		"accounts.new":             "Tạo tài khoản",
		"accounts.name":            "Tên đăng nhập",
		"accounts.role":            "Vai trò",
		"accounts.scope":           "Phạm vi",
		"accounts.units":           "đơn vị",
		"accounts.sectors":         "lĩnh vực",
		"accounts.indicators":      "chỉ tiêu",
		"accounts.all":             "tất cả",
		"accounts.units_help":      "Đơn vị được nhập (mã, cách nhau bởi dấu phẩy; để trống: tất cả)",
		"accounts.sectors_help":    "Lĩnh vực được nhập (không chọn: tất cả)",
		"accounts.indicators_help": "Chỉ tiêu được nhập (mã, cách nhau bởi dấu phẩy; để trống: tất cả)",
		"accounts.active":          "đang hoạt động",
		"accounts.disabled":        "đã khóa",
		"accounts.enable":          "Mở khóa",
		"accounts.disable":         "Khóa",
		"accounts.reset":           "Cấp lại mật khẩu",
		"accounts.edit":            "Sửa vai trò, phạm vi",
		"accounts.save":            "Lưu",
		"accounts.create":          "Tạo tài khoản",
		"accounts.password_for":    "Mật khẩu dùng một lần của %s:",
		"accounts.password_once":   "Mật khẩu này chỉ hiện lần này và không được lưu ở dạng đọc được: hãy chép và trao cho người dùng ngay.",
	}, map[string]string{
		"nav.accounts":             "Accounts",
		"page.accounts":            "User accounts",
		"accounts.help":            "Create accounts, set their role and what they may enter, disable them or reset a password. A one-time password is shown once: hand it over now.",
		"accounts.list":            "Accounts",
		"accounts.new":             "New account",
		"accounts.name":            "User name",
		"accounts.role":            "Role",
		"accounts.scope":           "Scope",
		"accounts.units":           "units",
		"accounts.sectors":         "sectors",
		"accounts.indicators":      "indicators",
		"accounts.all":             "everything",
		"accounts.units_help":      "Units it may enter (codes, comma-separated; empty: all)",
		"accounts.sectors_help":    "Sectors it may enter (none ticked: all)",
		"accounts.indicators_help": "Indicators it may enter (codes, comma-separated; empty: all)",
		"accounts.active":          "active",
		"accounts.disabled":        "disabled",
		"accounts.enable":          "Enable",
		"accounts.disable":         "Disable",
		"accounts.reset":           "Reset password",
		"accounts.edit":            "Edit role and scope",
		"accounts.save":            "Save",
		"accounts.create":          "Create account",
		"accounts.password_for":    "One-time password of %s:",
		"accounts.password_once":   "This password is shown this once and is not kept readable: copy it and hand it over now.",
	})
}

// add merges a part of the catalogue kept in its own file.
func add(viPart, enPart map[string]string) {
	for k, v := range viPart {
		vi[k] = v
	}
	for k, v := range enPart {
		en[k] = v
	}
}
