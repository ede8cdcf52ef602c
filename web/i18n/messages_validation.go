package i18n

// The data-quality page's word when its answer was bounded (web/validation.go).
func init() {
	add(map[string]string{
		"quality.capped": "Chỉ kiểm tra %d đơn vị đầu tiên hoặc liệt kê tối đa %d vi phạm: danh sách chưa đầy đủ, hãy chọn đơn vị nhỏ hơn.",
	}, map[string]string{
		"quality.capped": "Only the first %d units were checked or at most %d violations listed: the list is incomplete, choose a smaller unit.",
	})
}
