package main

import "testing"

func TestParsePrefixes(t *testing.T) {
	ps, err := parsePrefixes(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8")
	if err != nil || len(ps) != 3 || ps[0].String() != "10.0.0.0/8" || ps[1].String() != "192.0.2.7/32" || ps[2].String() != "fd00::/8" {
		t.Errorf("%v %v", ps, err)
	}
	if _, err := parsePrefixes("10.0.0.0/99"); err == nil {
		t.Error("a bad prefix is accepted")
	}
}
