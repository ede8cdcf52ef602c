package nativecsv

import "testing"

// Numbers written the Vietnamese way are read; ones whose separators are not
// (an English number, a misplaced dot) are refused, not read as another
// figure — by the general reader and the fast one alike.
func TestNumberGrouping(t *testing.T) {
	good := map[string]float64{"5.953,5": 5953.5, "279,6": 279.6, "1.234.567": 1234567, "5.953": 5953, "12.5": 12.5,
		"-12.345,678": -12345.678, "0,5": 0.5, "1.234.567,25": 1234567.25}
	for s, want := range good {
		got, err := parseNumber(s)
		if err != nil || got != want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", s, got, err, want)
		}
		if f, ok := parseSimple(s); ok && f != want {
			t.Errorf("parseSimple(%q) = %v; want %v", s, f, want)
		}
	}
	for _, s := range []string{"12,345.6", "1.234.5", "1.5.3", "1,234,567", "1234.567.890", "12.34,5", "1,2,3", "12,3.4"} {
		if f, err := parseNumber(s); err == nil {
			t.Errorf("parseNumber(%q) = %v; want it refused", s, f)
		}
		if f, ok := parseSimple(s); ok {
			t.Errorf("parseSimple(%q) = %v; want it left to the general reader (which refuses it)", s, f)
		}
	}
}
