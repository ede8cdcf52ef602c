package calc

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"planwatch"
)

// The figures a command remembered are kept beside the snapshot and
// answer the next command over the same state with the same rows; a file
// of another change number, another build or a damaged one is not used.
func TestFiguresKeptBesideTheSnapshot(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	path := filepath.Join(t.TempDir(), "db.index")
	q1 := planwatch.MustPeriod("2022Q1")
	status := func(l *Live) []Row { return l.Dataset().Status("P", q1, DefaultOptions()) }
	remembered := func(l *Live) int {
		d := l.Dataset()
		d.memoMu.Lock()
		defer d.memoMu.Unlock()
		n := len(d.figures)
		if d.kept != nil {
			n += len(d.kept.sections)
		}
		return n
	}

	first, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	want := status(first)
	if err := first.SaveFigures(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(figuresPath(path)); err != nil {
		t.Fatalf("no figures kept: %v", err)
	}
	second, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if remembered(second) == 0 {
		t.Fatal("the kept figures were not read")
	}
	if got := status(second); !reflect.DeepEqual(got, want) {
		t.Fatalf("rows from the kept figures differ:\n%+v\nwant\n%+v", got, want)
	}

	// A change the index takes in before reading the kept figures drops them.
	changed, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	before := changed.Dataset().Value("flow", "C2", q1)
	changed.Dataset().Apply([]planwatch.DataValue{pv("flow", "C2", "2022Q1", before.Value+500)})
	wantP := second.Dataset().Value("flow", "P", q1)
	if f := changed.Dataset().Value("flow", "P", q1); !wantP.OK || f.Value != wantP.Value+500 {
		t.Fatalf("after a change: flow P = %v, want %v + 500", f.Value, wantP.Value)
	}

	// Another process's change: the index catches up and writes a new
	// snapshot; the figures kept at the old change number are not used.
	old := second.Dataset().Value("flow", "P", q1)
	st.commit(pv("flow", "C1", "2022Q1", 1000))
	third, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	fresh := third.Dataset().Value("flow", "P", q1)
	fourth, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if remembered(fourth) != 0 {
		t.Fatal("figures of an older change number were read")
	}
	if f := fourth.Dataset().Value("flow", "P", q1); !reflect.DeepEqual(f, fresh) || f.Value == old.Value {
		t.Fatalf("flow P after the change = %+v, want %+v", f, fresh)
	}

	// Figures written by another build, or damaged, are not used.
	seq := fourth.Dataset().Seq()
	wrong := map[figureKey]Figure{keyOf(fourth.Dataset().indicator("flow"), "P", q1, -1): {Value: -1, OK: true}}
	for name, img := range map[string][]byte{
		"another build": encodeFigures(seq, false, "another build", wrong),
		"damaged":       encodeFigures(seq, false, buildID(), wrong)[:40],
		"approved only": encodeFigures(seq, true, buildID(), wrong),
	} {
		if err := os.WriteFile(figuresPath(path), img, 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := OpenSnapshot(ctx, st, false, path)
		if err != nil {
			t.Fatal(err)
		}
		if f := l.Dataset().Value("flow", "P", q1); f.Value == -1 {
			t.Errorf("%s: the file's figure was used", name)
		}
	}
	// The same file from this build at this change number is used (so the
	// cases above were refused for their difference alone).
	if err := os.WriteFile(figuresPath(path), encodeFigures(seq, false, buildID(), wrong), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if f := l.Dataset().Value("flow", "P", q1); f.Value != -1 {
		t.Errorf("a matching file was not used: %+v", f)
	}
}
