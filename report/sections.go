package report

import "strings"

// part groups sections as a provincial report does: the economy first, then
// culture and society, administration, and security.
type part struct {
	Title, TitleEN string
	Sections       []sectionDef
}

// sectionDef maps catalogue sectors (and code prefixes, for indicators whose
// catalogue sector is broader than the report's section) to a report section.
type sectionDef struct {
	ID       string
	Title    string
	TitleEN  string
	Sectors  []string
	Prefixes []string
	// BorderTitle replaces Title when the unit reports border-gate figures
	// (kinh tế cửa khẩu), as a border province's report does.
	BorderTitle, BorderTitleEN string
}

// outline is the order of DOMAIN.md, "The period report".
var outline = []part{
	{Title: "Lĩnh vực kinh tế", TitleEN: "The economy", Sections: []sectionDef{
		{ID: "growth", Title: "Tăng trưởng kinh tế", TitleEN: "Economic growth", Sectors: []string{"Tài khoản quốc gia"}},
		{ID: "agri", Title: "Sản xuất nông, lâm nghiệp; xây dựng nông thôn mới và chương trình OCOP",
			TitleEN: "Agriculture and forestry; new rural development and the OCOP programme",
			Sectors: []string{"Nông, lâm nghiệp và thủy sản", "Xây dựng nông thôn mới"}},
		{ID: "industry", Title: "Sản xuất công nghiệp và xây dựng", TitleEN: "Industry and construction", Sectors: []string{"Công nghiệp"}},
		{ID: "trade", Title: "Thương mại, dịch vụ, du lịch và xuất nhập khẩu", TitleEN: "Trade, services, tourism and foreign trade",
			BorderTitle:   "Thương mại, dịch vụ, du lịch, kinh tế cửa khẩu và xuất nhập khẩu",
			BorderTitleEN: "Trade, services, tourism, the border-gate economy and foreign trade",
			Sectors:       []string{"Thương mại, dịch vụ", "Giao thông vận tải", "Giá cả"}, Prefixes: []string{"tourism."}},
		{ID: "finance", Title: "Tài chính, ngân hàng", TitleEN: "Public finance and banking", Sectors: []string{"Tài chính công", "Tiền tệ, tín dụng"}},
		{ID: "invest", Title: "Đầu tư phát triển", TitleEN: "Development investment", Sectors: []string{"Đầu tư và xây dựng"}},
		{ID: "enterprise", Title: "Phát triển doanh nghiệp", TitleEN: "Enterprise development", Sectors: []string{"Doanh nghiệp, cơ sở kinh tế, hành chính, sự nghiệp"}},
		{ID: "environment", Title: "Tài nguyên và môi trường", TitleEN: "Natural resources and the environment", Sectors: []string{"Bảo vệ môi trường"}},
		{ID: "other", Title: "Các lĩnh vực kinh tế khác", TitleEN: "Other economic fields"},
	}},
	{Title: "Văn hóa - xã hội", TitleEN: "Culture and society", Sections: []sectionDef{
		{ID: "society", Title: "Văn hóa, giáo dục, y tế, lao động và an sinh xã hội",
			TitleEN: "Culture, education, health, labour and social security",
			Sectors: []string{"Văn hóa, thể thao và du lịch", "Giáo dục", "Y tế và chăm sóc sức khỏe",
				"Lao động, việc làm và bình đẳng giới", "Bảo hiểm", "Mức sống dân cư", "Đất đai, dân số"}},
	}},
	{Title: "Cải cách hành chính, chuyển đổi số", TitleEN: "Administrative reform and digital transformation", Sections: []sectionDef{
		{ID: "admin", Title: "Cải cách hành chính, chuyển đổi số", TitleEN: "Administrative reform and digital transformation",
			Sectors: []string{"Cải cách hành chính", "Công nghệ thông tin và truyền thông"}},
	}},
	{Title: "Quốc phòng, an ninh", TitleEN: "Defence and security", Sections: []sectionDef{
		{ID: "security", Title: "Quốc phòng, an ninh, trật tự an toàn xã hội", TitleEN: "Defence, security, public order and safety",
			Sectors: []string{"Trật tự, an toàn xã hội và tư pháp"}},
	}},
}

// sectionOf returns the section an indicator belongs to: a code prefix
// first, then its catalogue sector, else "other".
func sectionOf(code, sector string) string {
	for _, p := range outline {
		for _, s := range p.Sections {
			for _, pre := range s.Prefixes {
				if strings.HasPrefix(code, pre) {
					return s.ID
				}
			}
		}
	}
	if id := sectionOfName(sector); id != "" {
		return id
	}
	return "other"
}

// sectionOfName matches a catalogue sector, a section ID or a section title
// (case-insensitively): notes and tasks name either.
func sectionOfName(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return ""
	}
	for _, p := range outline {
		for _, s := range p.Sections {
			if n == s.ID || n == strings.ToLower(s.Title) || (s.BorderTitle != "" && n == strings.ToLower(s.BorderTitle)) {
				return s.ID
			}
			for _, sec := range s.Sectors {
				if n == strings.ToLower(sec) {
					return s.ID
				}
			}
		}
	}
	return ""
}

// SectionFor says which report section a note or task recorded under name
// (a catalogue sector, a section ID or a section title) will appear in.
func SectionFor(name string) (id string, ok bool) {
	id = sectionOfName(name)
	return id, id != ""
}

// SectionIDs lists the report's section IDs in report order, with their titles.
func SectionIDs() [][2]string {
	var out [][2]string
	for _, p := range outline {
		for _, s := range p.Sections {
			out = append(out, [2]string{s.ID, s.Title})
		}
	}
	return out
}
