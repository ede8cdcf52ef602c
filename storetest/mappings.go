package storetest

import (
	"errors"
	"testing"
	"time"

	"planwatch"
)

// RunMappings runs the conformance suite of planwatch.MappingStore. open
// must return a new, empty store that implements it; RunMappings closes it.
func RunMappings(t *testing.T, open func(t *testing.T) planwatch.Store) {
	st := open(t)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	s, ok := st.(interface {
		planwatch.Store
		planwatch.MappingStore
	})
	if !ok {
		t.Fatalf("%T does not implement MappingStore", st)
	}
	ctx := t.Context()
	if _, err := s.Mapping(ctx, "sl-demo"); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Fatalf("Mapping of an unknown name: %v, want ENOTFOUND", err)
	}
	m := planwatch.Mapping{Name: "sl-demo", By: "an", At: at, Entries: []planwatch.MappingEntry{
		{Kind: planwatch.MapOrgUnit, PartnerID: "DiszpKrYNg8", Code: "180"},
		{Kind: planwatch.MapDataElement, PartnerID: "f7n9E0hX8qk", Code: "trade.retail_sales_services"},
		{Kind: planwatch.MapDataElement, PartnerID: "jH26dja2f30", Code: "x.flag", ValueType: "BOOLEAN"},
		{Kind: planwatch.MapColumn, PartnerID: "ATTR_1", Code: ""},
	}}
	if err := s.SaveMapping(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, err := s.Mapping(ctx, "sl-demo")
	if err != nil {
		t.Fatal(err)
	}
	want := []planwatch.MappingEntry{m.Entries[3], m.Entries[1], m.Entries[2], m.Entries[0]}
	if got.Name != "sl-demo" || got.By != "an" || !got.At.Equal(at) || len(got.Entries) != len(want) {
		t.Fatalf("Mapping = %+v", got)
	}
	for i := range want {
		if got.Entries[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got.Entries[i], want[i])
		}
	}

	// Replacing keeps only the new entries and is audited with what changed.
	later := at.Add(time.Hour)
	m2 := planwatch.Mapping{Name: "sl-demo", By: "binh", At: later, Entries: []planwatch.MappingEntry{
		{Kind: planwatch.MapOrgUnit, PartnerID: "DiszpKrYNg8", Code: "178"},
		{Kind: planwatch.MapOrgUnit, PartnerID: "O6uvpzGd5pu", Code: "20"},
	}}
	if err := s.SaveMapping(ctx, m2); err != nil {
		t.Fatal(err)
	}
	if got, err = s.Mapping(ctx, "sl-demo"); err != nil || len(got.Entries) != 2 || got.Entries[0].Code != "178" || got.By != "binh" {
		t.Fatalf("after replacing: %+v, %v", got, err)
	}
	audit, err := s.Audit(ctx, planwatch.AuditQuery{Action: "mapping."})
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 2 || audit[0].Entity != "mapping/sl-demo" || audit[0].By != "binh" || audit[0].Old != "4 entries" ||
		audit[0].New != "2 entries" || audit[0].Detail != "1 added, 1 changed, 3 removed" || audit[1].Detail != "new mapping" {
		t.Errorf("audit = %+v", audit)
	}

	// An invalid mapping is refused whole, and the stored one is unchanged.
	bad := planwatch.Mapping{Name: "sl-demo", Entries: []planwatch.MappingEntry{
		{Kind: "indicator", PartnerID: "x", Code: "y"},
		{Kind: planwatch.MapOrgUnit, PartnerID: "a", Code: "1"},
		{Kind: planwatch.MapOrgUnit, PartnerID: "a", Code: "2"},
	}}
	err = s.SaveMapping(ctx, bad)
	var pe *planwatch.Error
	if !errors.As(err, &pe) || pe.Code != planwatch.EINVALID || len(pe.Problems) != 2 || pe.Problems[0].Row != 2 || pe.Problems[1].Row != 4 {
		t.Errorf("SaveMapping(bad) = %v", err)
	}
	if err := s.SaveMapping(ctx, planwatch.Mapping{Name: "../etc/passwd"}); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("a path as a name: %v", err)
	}
	if got, _ = s.Mapping(ctx, "sl-demo"); len(got.Entries) != 2 {
		t.Errorf("a refused mapping changed the stored one: %+v", got)
	}
	if err := s.SaveMapping(ctx, planwatch.Mapping{Name: "b", By: "an"}); err != nil {
		t.Fatal(err)
	}
	list, err := s.Mappings(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "b" || list[1].Name != "sl-demo" || len(list[1].Entries) != 2 {
		t.Errorf("Mappings = %+v, %v", list, err)
	}
}
