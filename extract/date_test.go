package extract

import (
	"testing"
	"time"
)

// TestDocumentDate: the date a report was written decides the year of a
// period the text leaves without one, from --date, a date line, a byline,
// the file's date, or — failing all — a year compared with.
func TestDocumentDate(t *testing.T) {
	body := "\n\nDoanh thu quý IV đạt 5.000 tỷ đồng, tăng 5% so với cùng kỳ.\n"
	jan2024 := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, text string
		opts       Options
		want       string
	}{
		{"option", "Tin kinh tế" + body, Options{Date: jan2024}, "2023Q4"},
		{"date line in words", "Lạng Sơn, ngày 15 tháng 01 năm 2024\nBáo cáo" + body, Options{}, "2023Q4"},
		{"byline", "Kinh tế quý IV\nThứ Hai, 15/01/2024 - 08:15" + body, Options{}, "2023Q4"},
		{"byline with a name", "Kinh tế quý IV\nMinh Anh 15/01/2024 08:15" + body, Options{}, "2023Q4"},
		{"ISO date", "Kinh tế quý IV\nĐăng ngày 2024-01-15" + body, Options{}, "2023Q4"},
		{"file date", "Kinh tế quý IV" + body, Options{FileDate: jan2024}, "2023Q4"},
		{"file date of another year than the text", "Kinh tế quý IV năm 2021" + body, Options{FileDate: jan2024}, "2021Q4"},
		{"a year compared with", "Kinh tế quý IV" + "\n\nDoanh thu quý IV đạt 5.000 tỷ đồng, tăng 5% so với cùng kỳ năm 2022.\n", Options{}, "2023Q4"},
	} {
		facts := New(nil).Extract(c.text, c.opts)
		if len(facts) != 1 || facts[0].Period != c.want {
			t.Errorf("%s: %+v, want one fact of %s", c.name, facts, c.want)
		}
	}
}
