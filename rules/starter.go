package rules

import (
	"bytes"
	_ "embed"

	"planwatch"
)

// starterCSV is the starter set of rules for the embedded catalogue: parts
// within their totals, year-to-date figures that do not decrease, shares
// between 0 and 100 %. init and demo store it; a province edits it from there.
//
//go:embed starter.csv
var starterCSV []byte

// Starter returns the starter set of rules.
func Starter() []planwatch.ValidationRule {
	rs, err := ReadRules(bytes.NewReader(starterCSV))
	if err != nil {
		panic("rules: starter.csv: " + err.Error()) // a test guards it
	}
	return rs
}
