// Package i18n is the message catalogue of the web application: every UI
// string in Vietnamese (the default) and English, looked up by key. A test
// fails when a key is missing in either language.
package i18n

import (
	"fmt"
	"sort"

	viconv "planwatch/vi"
)

// Languages lists the UI languages; the first is the default.
var Languages = []string{"vi", "en"}

// Known reports whether lang is a UI language.
func Known(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Missing is the prefix T gives a key that has no translation, so that tests
// (and people) notice it.
const Missing = "‽"

// T returns the message for key in lang, formatted with args when given.
func T(lang, key string, args ...any) string {
	m, ok := catalogue[lang][key]
	if !ok {
		return Missing + key
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// Keys lists the keys of one language, sorted.
func Keys(lang string) []string {
	out := make([]string, 0, len(catalogue[lang]))
	for k := range catalogue[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Unit translates a printed unit ("tỷ đồng") to English, or "".
func Unit(u string) string { return viconv.UnitEN(u) }

// Sector translates a catalogue sector name to English, or "".
func Sector(s string) string { return sectorsEN[s] }

var catalogue = map[string]map[string]string{"vi": vi, "en": en}
