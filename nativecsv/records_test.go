package nativecsv

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll lists what a reader yields: each record with its line, then the
// error that ended it (its line for a *csv.ParseError).
func readAll[F string | []byte](read func() ([]F, error), line func() int) []string {
	var out []string
	for range 10000 {
		rec, err := read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return append(out, fmt.Sprintf("error at %d/%d: %v", pe.StartLine, pe.Line, pe.Err))
			}
			return append(out, "end: "+err.Error())
		}
		fields := make([]string, len(rec))
		for i, f := range rec {
			fields[i] = string(f)
		}
		out = append(out, fmt.Sprintf("%d %q", line(), fields))
	}
	return out
}

// FuzzRecords: records reads every file as encoding/csv reads it — the
// same records, starting on the same lines, and the same error on the
// same line — whatever the size of its buffer and of the reads under it.
func FuzzRecords(f *testing.F) {
	for _, s := range []string{
		"indicator,orgunit,period,value\na,20,2022Q1,1\n",
		"a,\"2.498,3\",tỷ đồng\r\nb,,\"\"\n\n\nc",
		"a,\"x\"\"y\",b\n\"multi\nline\",c\nd\n",
		"\"unterminated\n",
		"a,b\"c,d\ne\n",
		"a,\"b\"c,d\n",
		"\r\n\ra\rb\r",
		"\ufeffx,y\n1,2",
		",,\n,\n\"\",\"\"\n",
	} {
		f.Add(s, uint8(3), false)
		f.Add(s, uint8(64), true)
	}
	f.Fuzz(func(t *testing.T, in string, size uint8, oneByte bool) {
		cr := csv.NewReader(strings.NewReader(in))
		cr.FieldsPerRecord = -1
		want := readAll(cr.Read, func() int { l, _ := cr.FieldPos(0); return l })
		var r io.Reader = strings.NewReader(in)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		rs := &records{br: bufio.NewReaderSize(r, 16+int(size))}
		got := readAll(rs.Read, rs.Line)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("input %q (a buffer of %d):\ngot  %q\nwant %q", in, rs.br.Size(), got, want)
		}
	})
}

// BenchmarkStreamValues reads a values file shaped as the product's
// (../shared/bench/product): a quoted Vietnamese number and a unit on
// every row. -benchmem shows what a row allocates.
func BenchmarkStreamValues(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("indicator,orgunit,period,value,unit\n")
	const rows = 100_000
	for i := range rows {
		fmt.Fprintf(&sb, "agri.aquatic_output,%05d,%d%02d,\"%d,%d\",tấn\n", 5971+i/60%200, 2020+i/12%6, 1+i%12, i%1000, i%10)
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		st, err := NewStream(strings.NewReader(in), "v.csv")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, err := range st.Values() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("%d rows", n)
		}
	}
}
