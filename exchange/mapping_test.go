package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"strings"
	"testing"

	"planwatch"
)

func TestReadMapping(t *testing.T) {
	in := "\uFEFFkind,partner_id,code,value_type\n" +
		"dataElement,f7n9E0hX8qk,a,\n" +
		"DE,jH26dja2f30,b,boolean\n" +
		"orgUnit,DiszpKrYNg8,20,\n" +
		"coc,rtfSaMjPyq6,YOY,\n" +
		"attributeOptionCombo,HllvX50cXC1,estimate.cumulative,\n" +
		"column,DIM_1,INDICATOR,\n" +
		"column,ATTR_1,,\n" +
		"column,'=cmd,,\n"
	m, err := ReadMapping(strings.NewReader(in), "sl")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 8 || m.Entries[1] != (planwatch.MappingEntry{Kind: planwatch.MapDataElement, PartnerID: "jH26dja2f30", Code: "b", ValueType: "BOOLEAN"}) ||
		m.Entries[7].PartnerID != "=cmd" {
		t.Errorf("entries %+v", m.Entries)
	}
	inds, units := catalogue()
	if ps := CheckMapping(m, inds, units); len(ps) != 0 {
		t.Errorf("problems %v", ps)
	}
	// Written back, guarded against formulas, and read again the same.
	var b bytes.Buffer
	if err := WriteMapping(&b, m.Entries); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "'=cmd") {
		t.Errorf("formula not guarded:\n%s", b.String())
	}
	back, err := ReadMapping(&b, "sl")
	if err != nil || !reflect.DeepEqual(back.Entries, m.Entries) {
		t.Errorf("round trip %+v %v", back.Entries, err)
	}

	// Every bad row is named, with its column.
	bad := "kind,partner_id,code\nindicator,x,y\norgUnit,,20\norgUnit,a,1\norgUnit,a,2\ndataElement,b,\n"
	_, err = ReadMapping(strings.NewReader(bad), "bad")
	var pe *planwatch.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err %v", err)
	}
	var got []string
	for _, p := range pe.Problems {
		got = append(got, fmt.Sprintf("%d %s", p.Row, p.Column))
	}
	if want := []string{"2 kind", "3 partner_id", "5 partner_id", "6 code"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	if _, err := ReadMapping(strings.NewReader("partner,code\n"), "x"); err == nil {
		t.Error("a header without kind accepted")
	}
	// Codes planwatch does not know are named against the catalogue.
	m, _ = ReadMapping(strings.NewReader("kind,partner_id,code\ndataElement,x,nope\norgUnit,y,99\ncoc,z,SEX\naoc,w,draft\ncolumn,v,COLOUR\n"), "c")
	if ps := CheckMapping(m, inds, units); len(ps) != 5 || ps[0].Row != 2 || ps[4].Row != 6 {
		t.Errorf("check %v", ps)
	}
}

// TestConflictsCapped: a file with many conflicts lists the first 1,000 in
// its summary, prints the first 100, and counts the rest by kind, once.
func TestConflictsCapped(t *testing.T) {
	var in strings.Builder
	in.WriteString("dataelement,period,orgunit,value\n")
	for i := 0; i < 2500; i++ {
		fmt.Fprintf(&in, "a,202203,u%d,\n", i) // empty value and unknown unit
	}
	in.WriteString("zz,202213,20,1\n")
	inds, units := catalogue()
	s, err := Import(context.Background(), &fakeStore{}, DHIS2CSV, strings.NewReader(in.String()), Options{Indicators: inds, Units: units})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != StatusError || len(s.Conflicts) != planwatch.MaxProblems || s.ConflictCount != 5002 {
		t.Fatalf("status %s, %d listed, %d counted", s.Status, len(s.Conflicts), s.ConflictCount)
	}
	kinds := map[string]int{}
	for _, k := range s.ConflictKinds {
		kinds[k.Code] = k.Count
	}
	if kinds["E8107"] != 2500 || kinds["E8120"] != 2500 || kinds["E8103"] != 1 || kinds["E8100"] != 1 {
		t.Errorf("kinds %+v", s.ConflictKinds)
	}
	if len(s.Unmapped) != 2501 || s.Unmapped[0] != (planwatch.MappingEntry{Kind: planwatch.MapOrgUnit, PartnerID: "u0"}) {
		t.Errorf("unmapped %d: %v", len(s.Unmapped), s.Unmapped[:2])
	}
	var text bytes.Buffer
	s.WriteText(&text)
	out := text.String()
	if strings.Count(out, "dòng ") != MaxListed || !strings.Contains(out, "and 4902 more") || !strings.Contains(out, "2500  E8107") {
		t.Errorf("text:\n%s", out[:min(len(out), 2000)])
	}
}

// TestFirstErrorsDoNotHideLater: the store's problems with the values that
// could be read come with the reader's conflicts.
func TestFirstErrorsDoNotHideLater(t *testing.T) {
	in := "dataelement,period,orgunit,value\na,202203,20,abc\nb,202203,20,-5\n"
	store := &fakeStore{err: &planwatch.Error{Code: planwatch.EINVALID, Message: "bad",
		Problems: []planwatch.Problem{{Row: 3, Column: "value", Reason: "negative"}}}}
	s, err := Import(context.Background(), store, DHIS2CSV, strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != StatusError || s.ConflictCount != 2 || s.Conflicts[0].Row != 2 || s.Conflicts[1].Reason != "negative" {
		t.Errorf("summary %+v", s)
	}
	if len(store.applied) != 1 || !store.applied[0].DryRun {
		t.Errorf("applied %+v", store.applied)
	}
}

// TestAtomicNone: under atomicMode=NONE the values neither the reader nor
// the store refuses are stored, and the summary is a WARNING counting the
// refused as ignored.
func TestAtomicNone(t *testing.T) {
	in := "dataelement,period,orgunit,value\na,202203,20,abc\nb,202203,20,-5\nc,202203,20,7\n"
	store := &problemStore{bad: map[int]string{3: "negative"}}
	s, err := Import(context.Background(), store, DHIS2CSV, strings.NewReader(in), Options{Atomic: AtomicNone})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != StatusWarning || s.ImportCount.Imported != 1 || s.ImportCount.Ignored != 2 || s.ConflictCount != 2 {
		t.Errorf("summary %+v", s)
	}
	if len(store.stored) != 1 || store.stored[0].Indicator != "c" {
		t.Errorf("stored %+v", store.stored)
	}
	if _, err := ParseAtomicMode("OBJECT"); err == nil {
		t.Error("OBJECT accepted")
	}
}

// problemStore refuses values on some rows, as a store's validation would.
type problemStore struct {
	bad    map[int]string
	stored []planwatch.DataValue
}

func (s *problemStore) Apply(_ context.Context, cs *planwatch.ChangeSet) (planwatch.ApplyResult, error) {
	e := &planwatch.Error{Code: planwatch.EINVALID, Message: "refused"}
	for _, v := range cs.Values {
		if why, ok := s.bad[v.Source.Row]; ok {
			e.Problems = append(e.Problems, planwatch.Problem{Row: v.Source.Row, Column: "value", Reason: why})
		}
	}
	if len(e.Problems) > 0 {
		return planwatch.ApplyResult{}, e
	}
	if !cs.DryRun {
		s.stored = append(s.stored, cs.Values...)
	}
	return planwatch.ApplyResult{Imported: len(cs.Values)}, nil
}

// streamStore takes values as they come and keeps none until the end.
type streamStore struct {
	fakeStore
	seen    int
	stored  int
	lastErr error
}

func (s *streamStore) ApplyStream(_ context.Context, cs *planwatch.ChangeSet, values iter.Seq2[planwatch.DataValue, error]) (planwatch.ApplyResult, error) {
	n := 0
	for _, err := range values {
		if err != nil {
			s.lastErr = err
			return planwatch.ApplyResult{}, err
		}
		n++
		s.seen++
	}
	if !cs.DryRun {
		s.stored += n
	}
	return planwatch.ApplyResult{Imported: n}, nil
}

// TestImportStreams: a store that takes a stream gets the values one at a
// time, and a file with a conflict ends the stream with an error, so that
// it stores nothing.
func TestImportStreams(t *testing.T) {
	store := &streamStore{}
	in := "dataelement,period,orgunit,value\na,202203,20,1\nb,202203,20,2\n"
	s, err := Import(context.Background(), store, DHIS2CSV, strings.NewReader(in), Options{})
	if err != nil || s.Status != StatusSuccess || s.ImportCount.Imported != 2 || store.stored != 2 || len(store.applied) != 0 {
		t.Fatalf("summary %+v, err %v, store %+v", s, err, store)
	}
	store = &streamStore{}
	s, err = Import(context.Background(), store, DHIS2CSV, strings.NewReader(in+"c,202203,20,\n"), Options{})
	if err != nil || s.Status != StatusError || store.stored != 0 || store.seen != 2 || !errors.Is(store.lastErr, errConflicts) || s.ConflictCount != 1 {
		t.Fatalf("summary %+v, err %v, store %+v", s, err, store)
	}
}

// FuzzReadMapping: any input gives a valid mapping or an error naming
// problems, never a panic; a mapping read back after writing is the same.
func FuzzReadMapping(f *testing.F) {
	f.Add("kind,partner_id,code,value_type\ndataElement,a,b,BOOLEAN\ncolumn,X,\n")
	f.Add("kind,partner_id,code\norgUnit,'=1,20\n")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ReadMapping(strings.NewReader(in), "f")
		var pe *planwatch.Error
		if err != nil && (!errors.As(err, &pe) || pe.Code != planwatch.EINVALID || len(pe.Problems) == 0) {
			t.Fatalf("an error that names no problem: %v", err)
		} else if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("read but invalid: %v", err)
		}
		var b bytes.Buffer
		if err := WriteMapping(&b, m.Entries); err != nil {
			t.Fatal(err)
		}
		back, err := ReadMapping(&b, "f")
		if err != nil || !reflect.DeepEqual(back.Entries, m.Entries) {
			t.Fatalf("round trip: %+v\n%+v\n%v", m.Entries, back.Entries, err)
		}
	})
}
