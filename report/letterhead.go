package report

import (
	"fmt"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
)

// Letterhead is what the report prints around its text as an
// administrative document under Decree 30/2020/NĐ-CP (Appendix I, form of a
// report): the header table (issuing body and number on the left, the
// national title and motto on the right, the place-and-date line under
// them), the kind of document and its subject, and at the end the
// recipients (nơi nhận) and the signature block. A setting the unit has not
// filled is a dotted blank to complete by hand.
type Letterhead struct {
	Governing []string // cơ quan chủ quản, capitals; often none
	Issuing   []string // cơ quan ban hành, capitals, bold
	Number    string   // "Số: …/BC-UBND"
	Nation    string   // "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	Motto     string   // "Độc lập - Tự do - Hạnh phúc", underlined by a rule
	DateLine  string   // "Lạng Sơn, ngày 07 tháng 4 năm 2022", italic
	Kind      string   // "BÁO CÁO"
	Subject   string   // the report's title as its subject line
	// RecipientsTitle is "Nơi nhận:"; Recipients its lines, "- …;" each.
	RecipientsTitle string
	Recipients      []string
	Authority       []string // "TM. ỦY BAN NHÂN DÂN"
	SignerTitle     []string // "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
	SignerName      string
}

// Blank is what an unfilled field prints: dots to write on.
const Blank = "……………"

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func upperLines(s string) []string {
	out := lines(s)
	for i := range out {
		out[i] = strings.ToUpper(out[i])
	}
	return out
}

// letterhead fills the document's frame from the unit's settings; what they
// leave empty is derived from the unit where the form is fixed (a People's
// Committee issues and signs a unit's report) and a dotted blank otherwise.
func (l lang) letterhead(ds *calc.Dataset, unit string, p planwatch.Period, s planwatch.ReportSettings, date time.Time) Letterhead {
	var u planwatch.OrgUnit
	found := false
	if ds.Units() != nil {
		if u, found = ds.Units().At(unit, p.End()); !found {
			u, found = ds.Units().Latest(unit)
		}
	}
	h := Letterhead{
		Governing: upperLines(s.GoverningBody),
		Issuing:   upperLines(s.IssuingBody),
		Nation:    l.pick("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
		Motto:     l.pick("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
		Kind:      l.pick("BÁO CÁO", "REPORT"),
		Subject:   upperFirst(strings.TrimPrefix(l.title(p), "Báo cáo ")),
		Authority: lines(s.SignerAuthority), SignerTitle: lines(s.SignerTitle), SignerName: s.SignerName,
		RecipientsTitle: l.pick("Nơi nhận:", "Recipients:"),
	}
	if len(h.Issuing) == 0 {
		switch {
		case found && l == langEN:
			h.Issuing = []string{"PEOPLE'S COMMITTEE OF", strings.ToUpper(unitNameEN(u))}
		case found:
			full := u.FullName
			if full == "" {
				full = strings.TrimSpace(u.Type + " " + u.Name)
			}
			h.Issuing = []string{"ỦY BAN NHÂN DÂN", strings.ToUpper(full)}
		default:
			h.Issuing = []string{Blank}
		}
	}
	number, symbol := s.Number, s.Symbol
	if number == "" {
		number = Blank
	}
	if symbol == "" {
		symbol = "BC-UBND"
	}
	h.Number = l.pick("Số: ", "No.: ") + number + "/" + symbol
	place := s.Place
	if place == "" && found {
		place = l.pick(u.Name, u.NameEN)
	}
	if place == "" {
		place = Blank
	}
	h.DateLine = place + ", " + l.dateLine(date)
	if len(h.Authority) == 0 {
		h.Authority = []string{l.pick("TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE")}
	}
	if len(h.SignerTitle) == 0 {
		h.SignerTitle = []string{Blank}
	}
	if h.SignerName == "" {
		h.SignerName = Blank
	}
	rs := s.Recipients
	if len(rs) == 0 {
		rs = []string{Blank, l.pick("Lưu: VT", "Archived: Office")}
	}
	for i, r := range rs {
		r = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r), "-"))
		r = strings.TrimRight(r, ";.")
		end := ";"
		if i == len(rs)-1 {
			end = "."
		}
		h.Recipients = append(h.Recipients, "- "+r+end)
	}
	return h
}

// dateLine is the date as the place-and-date line writes it: "ngày 07
// tháng 4 năm 2022" (a day below 10 and the months 1 and 2 with a leading
// zero, as the Decree asks), "7 April 2022"; dotted when there is no date.
func (l lang) dateLine(d time.Time) string {
	if d.IsZero() {
		return l.pick("ngày "+Blank+" tháng "+Blank+" năm "+Blank, Blank)
	}
	y, m, day := d.Date()
	if l == langEN {
		return fmt.Sprintf("%d %s %d", day, m, y)
	}
	month := fmt.Sprint(int(m))
	if m < 3 {
		month = "0" + month
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", day, month, y)
}
