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
		"nav.password":             "Đổi mật khẩu",
		"page.password":            "Đổi mật khẩu",
		"password.must":            "Mật khẩu của bạn do quản trị viên đặt: hãy chọn mật khẩu của riêng bạn trước khi tiếp tục.",
		"password.current":         "Mật khẩu hiện tại",
		"password.new":             "Mật khẩu mới (ít nhất 8 ký tự)",
		"password.again":           "Nhập lại mật khẩu mới",
		"password.save":            "Đổi mật khẩu",
		"password.wrong":           "Mật khẩu hiện tại không đúng.",
		"password.short":           "Mật khẩu mới cần ít nhất %d ký tự.",
		"password.mismatch":        "Hai lần nhập mật khẩu mới không khớp.",
		"password.same":            "Mật khẩu mới phải khác mật khẩu hiện tại.",
		"password.too_long":        "Mật khẩu quá dài.",
		"indicator.parts":          "Theo phân tổ",
		"indicator.option":         "Nhóm",
		"public.sign_in_to_edit":   "Đăng nhập với vai trò kế hoạch hoặc quản trị để sửa kế hoạch, ghi chú và nhiệm vụ.",
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
		"nav.password":             "Change password",
		"page.password":            "Change password",
		"password.must":            "Your password was set by an administrator: choose your own before going on.",
		"password.current":         "Current password",
		"password.new":             "New password (at least 8 characters)",
		"password.again":           "New password again",
		"password.save":            "Change password",
		"password.wrong":           "The current password is wrong.",
		"password.short":           "The new password needs at least %d characters.",
		"password.mismatch":        "The two new passwords differ.",
		"password.same":            "The new password must differ from the current one.",
		"password.too_long":        "The password is too long.",
		"indicator.parts":          "By breakdown",
		"indicator.option":         "Option",
		"public.sign_in_to_edit":   "Sign in as a planner or administrator to edit plans, notes and tasks.",
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
