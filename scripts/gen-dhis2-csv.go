//go:build ignore

// gen-dhis2-csv writes a large DHIS2 CSV data value set of valid planwatch
// codes, for measuring an import (BENCHMARKS.md): flow indicators of the
// catalogue × communes of the 2022 list × the months of 2022, in the
// 11-column layout DHIS2 exports, with a comment on every tenth row.
//
//	go run scripts/gen-dhis2-csv.go -rows 3000000 > /tmp/big.csv
//
// The file is not committed: 3 million rows are about 200 MB.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"planwatch"
	"planwatch/data"
)

func main() {
	rows := flag.Int("rows", 3_000_000, "number of data rows")
	year := flag.Int("year", 2022, "year of the monthly periods")
	flag.Parse()
	inds, err := data.Indicators()
	if err != nil {
		log.Fatal(err)
	}
	units, _, err := data.OrgUnits()
	if err != nil {
		log.Fatal(err)
	}
	var codes []string
	for _, ind := range inds {
		if ind.Kind == planwatch.KindFlow && ind.TimeAgg == planwatch.TimeSum {
			codes = append(codes, ind.Code)
		}
	}
	mid := time.Date(*year, 6, 30, 0, 0, 0, 0, time.UTC)
	var communes []string
	for _, u := range units {
		if u.Level == planwatch.LevelCommune && !u.ValidFrom.After(mid) && (u.ValidTo.IsZero() || u.ValidTo.After(mid)) {
			communes = append(communes, u.Code)
		}
	}
	if max := len(codes) * len(communes) * 12; *rows > max {
		log.Fatalf("at most %d distinct rows (%d indicators × %d communes × 12 months)", max, len(codes), len(communes))
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	fmt.Fprintln(w, "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted")
	for i := 0; i < *rows; i++ {
		month := 1 + i%12
		unit := communes[(i/12)%len(communes)]
		ind := codes[i/(12*len(communes))]
		comment := ""
		if i%10 == 0 {
			comment = "số liệu xã báo cáo"
		}
		fmt.Fprintf(w, "%s,%d%02d,%s,,,%d,import-bench,%d-%02d-05T08:00:00Z,%s,false,false\n",
			ind, *year, month, unit, 1000+(i*7919)%100000, *year, month, comment)
	}
}
