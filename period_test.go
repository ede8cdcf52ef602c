package planwatch

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in      string
		id      string
		first   int
		last    int
		labelVI string
		labelEN string
	}{
		{"2022", "2022", 1, 12, "năm 2022", "2022"},
		{"2022S1", "2022S1", 1, 6, "6 tháng đầu năm 2022", "H1 2022"},
		{"2022S2", "2022S2", 7, 12, "6 tháng cuối năm 2022", "H2 2022"},
		{"2022Q1", "2022Q1", 1, 3, "quý I/2022", "Q1 2022"},
		{"2022q4", "2022Q4", 10, 12, "quý IV/2022", "Q4 2022"},
		{"202203", "202203", 3, 3, "tháng 3/2022", "March 2022"},
		{"2022M03", "202203", 3, 3, "tháng 3/2022", "March 2022"},
		{"2022Q1-Q3", "2022Q1-Q3", 1, 9, "9 tháng năm 2022", "Jan–Sep 2022"},
		{"2022Q1-Q2", "2022Q1-Q2", 1, 6, "6 tháng đầu năm 2022", "Jan–Jun 2022"},
		{"2022Q2-Q3", "2022Q2-Q3", 4, 9, "quý II-III/2022", "Apr–Sep 2022"},
		{"202201-202204", "202201-202204", 1, 4, "4 tháng năm 2022", "Jan–Apr 2022"},
		{"2023M01-M04", "202301-202304", 1, 4, "4 tháng năm 2023", "Jan–Apr 2023"},
		{"202204-202206", "202204-202206", 4, 6, "tháng 4-6/2022", "Apr–Jun 2022"},
		{"2022Q1-2022Q3", "2022Q1-Q3", 1, 9, "9 tháng năm 2022", "Jan–Sep 2022"},
		{"2022Q2-Q2", "2022Q2", 4, 6, "quý II/2022", "Q2 2022"},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", tt.in, err)
			continue
		}
		if p.ID() != tt.id || p.First != tt.first || p.Last != tt.last {
			t.Errorf("ParsePeriod(%q) = %s [%d..%d], want %s [%d..%d]", tt.in, p.ID(), p.First, p.Last, tt.id, tt.first, tt.last)
		}
		if got := p.LabelVI(); got != tt.labelVI {
			t.Errorf("%s LabelVI = %q, want %q", tt.in, got, tt.labelVI)
		}
		if got := p.LabelEN(); got != tt.labelEN {
			t.Errorf("%s LabelEN = %q, want %q", tt.in, got, tt.labelEN)
		}
		if q, err := ParsePeriod(p.ID()); err != nil || q != p {
			t.Errorf("round trip of %s: %v %v", p.ID(), q, err)
		}
	}
}

func TestParsePeriodRejects(t *testing.T) {
	for _, in := range []string{"", "22", "2022Q5", "2022S3", "202213", "202200", "2022M13", "2022Q3-Q1",
		"2022Q1-202206", "2022Q1-2023Q2", "abcd", "2022-", "-2022", "2022Q", "1800", "2022W01", "2022Q1-"} {
		if p, err := ParsePeriod(in); err == nil {
			t.Errorf("ParsePeriod(%q) = %s, want error", in, p.ID())
		} else if ErrorCode(err) != EINVALID {
			t.Errorf("ParsePeriod(%q): code %s", in, ErrorCode(err))
		}
	}
}

func TestPeriodArithmetic(t *testing.T) {
	date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	q1 := MustPeriod("2022Q1")
	if got := q1.SamePeriodLastYear().ID(); got != "2021Q1" {
		t.Errorf("same period last year = %s", got)
	}
	for in, want := range map[string]string{
		"2022Q1": "2021Q4", "2022Q3": "2022Q2", "202201": "202112", "202205": "202204",
		"2022S1": "2021S2", "2022S2": "2022S1", "2022": "2021", "2022Q1-Q3": "2021Q1-Q3", "202204-202206": "202201-202203",
	} {
		if got := MustPeriod(in).Previous().ID(); got != want {
			t.Errorf("%s.Previous() = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"2022Q1": "2022Q1", "2022Q2": "2022S1", "2022Q3": "2022Q1-Q3", "2022Q4": "2022", "202204": "202201-202204", "202201": "202201",
	} {
		if got := MustPeriod(in).YearToDate().ID(); got != want {
			t.Errorf("%s.YearToDate() = %s, want %s", in, got, want)
		}
	}
	if !q1.End().Equal(date(2022, 3, 31)) || !q1.EndOfPreviousYear().Equal(date(2021, 12, 31)) || !q1.Start().Equal(date(2022, 1, 1)) {
		t.Errorf("dates: %v %v %v", q1.Start(), q1.End(), q1.EndOfPreviousYear())
	}
	if got := MustPeriod("2022Q1").MonthKeys(); len(got) != 3 || got[0] != 202201 || got[2] != 202203 {
		t.Errorf("MonthKeys = %v", got)
	}
	if !MustPeriod("2022S1").Contains(MustPeriod("2022Q2")) || MustPeriod("2022Q1").Contains(MustPeriod("2022S1")) {
		t.Error("Contains")
	}
	if !MustPeriod("2022Q1").SameMonths(MustPeriod("202201-202203")) {
		t.Error("SameMonths")
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2022", "2022S1", "2022Q1", "202203", "2022Q1-Q3", "202201-202204", "2023M01-M04", "2022Q1-2022Q3", "x", "2022-", "9999Q9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		if p.First < 1 || p.Last > 12 || p.First > p.Last {
			t.Fatalf("%q parsed to impossible months %d..%d", s, p.First, p.Last)
		}
		q, err := ParsePeriod(p.ID())
		if err != nil || !q.SameMonths(p) {
			t.Fatalf("%q → %s does not round-trip: %v", s, p.ID(), err)
		}
		_ = p.LabelVI() + p.LabelEN()
	})
}

func TestLifetime(t *testing.T) {
	reform := ReformDate
	old := OrgUnit{Code: "05977", ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: reform}
	newU := OrgUnit{Code: "26001", ValidFrom: reform}
	went := []OrgUnit{{Code: "06000", ValidFrom: old.ValidFrom, ValidTo: reform}, {Code: "06000", ValidFrom: reform}}
	formed := []Transition{{Old: "05977", New: "26001", Date: reform}}
	for _, c := range []struct {
		name   string
		l      Lifetime
		period string
		ok     bool
	}{
		{"old commune in 2022", LifetimeOf([]OrgUnit{old}, nil), "2022", true},
		{"old commune before the records", LifetimeOf([]OrgUnit{old}, nil), "2015", true},
		{"old commune in its last year", LifetimeOf([]OrgUnit{old}, nil), "2025", true},
		{"old commune after it ceased", LifetimeOf([]OrgUnit{old}, nil), "202507", false},
		{"new commune before it was formed", LifetimeOf([]OrgUnit{newU}, formed), "2022", false},
		{"new commune, June 2025", LifetimeOf([]OrgUnit{newU}, formed), "202506", false},
		{"new commune, its first year", LifetimeOf([]OrgUnit{newU}, formed), "2025", true},
		{"a code the records begin with later, not formed", LifetimeOf([]OrgUnit{newU}, nil), "2022", true},
		{"a commune that went on", LifetimeOf(went, []Transition{{Old: "06000", New: "06000", Date: reform}}), "2031", true},
	} {
		if got := c.l.Problem("x", MustPeriod(c.period)) == ""; got != c.ok {
			t.Errorf("%s, %s: allowed %v, want %v (%+v)", c.name, c.period, got, c.ok, c.l)
		}
	}
}
