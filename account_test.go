package planwatch

import "testing"

// TestAccountNameRule (sixth session): an account name was checked for
// its length alone (the web refused ASCII spaces and controls, the command
// line nothing): an administrator could create "an\u0085" or "an\u200b",
// shown as "an" in the audit trail and the accounts page beside the real
// one, or with a terminal escape. A name is one NFC word of printable
// characters, on every path that creates an account (Validate).
func TestAccountNameRule(t *testing.T) {
	for _, name := range []string{"", "an\x01", "an\x1b[31m", "an\u0085", "an\u200b", "an\u202enimda", "an\ufeff", "a b", "a\tb", "a\nb",
		"an\u00a0", "a\u3000b", string([]byte{'a', 0xff}), "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmn"} {
		a := Account{Name: name, Role: RoleViewer}
		if err := a.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("name %+q: %v, want refused", name, err)
		}
	}
	for _, c := range []struct{ name, want string }{
		{"lan", "lan"}, {"nguyễn.văn.an", "nguyễn.văn.an"}, {"an_2@so-khdt", "an_2@so-khdt"},
		{"nguye\u0302\u0303n", "nguyễn"}, // typed decomposed: kept in NFC
	} {
		a := Account{Name: c.name, Role: RoleViewer}
		if err := a.Validate(); err != nil || a.Name != c.want {
			t.Errorf("name %+q: %q, %v; want %q", c.name, a.Name, err, c.want)
		}
	}
}
