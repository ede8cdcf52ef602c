package i18n

import "testing"

// TestCatalogueComplete fails on any key missing in a language or empty.
func TestCatalogueComplete(t *testing.T) {
	for _, a := range Languages {
		for _, b := range Languages {
			for k := range catalogue[a] {
				if _, ok := catalogue[b][k]; !ok {
					t.Errorf("key %q is in %s but missing in %s", k, a, b)
				}
			}
		}
		for k, v := range catalogue[a] {
			if v == "" && k != "source." {
				t.Errorf("%s: key %q is empty", a, k)
			}
		}
	}
	if T("vi", "no.such.key") != Missing+"no.such.key" {
		t.Error("a missing key must be marked")
	}
}

func TestSectorsAndUnitsTranslated(t *testing.T) {
	for vi, en := range sectorsEN {
		if vi == "" || en == "" {
			t.Errorf("empty sector translation %q → %q", vi, en)
		}
	}
}
