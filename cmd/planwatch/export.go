package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"planwatch"
	"planwatch/dhis2"
	"planwatch/exchange"
	"planwatch/nativecsv"
)

// cmdExport writes the current values (or the targets) of a unit and period
// in an exchange format.
func cmdExport(ctx context.Context, env *Env, args []string) error {
	fs, db := storeFlags(env, "export")
	format := fs.String("format", "planwatch-csv", "planwatch-csv | dhis2-json | dhis2-csv | sdmx-csv | xlsx")
	unit := fs.String("unit", "", "mã đơn vị (mặc định: tất cả) / unit code (default: all)")
	period := fs.String("period", "", "kỳ: chỉ các giá trị trong kỳ này (mặc định: tất cả) / only values within this period (default: all)")
	what := fs.String("what", "values", "values | targets (targets: planwatch-csv only)")
	out := fs.String("o", "-", "tệp kết quả / output file ('-' = stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	f, err := exchange.ParseFormat(*format)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var units []string
	if *unit != "" {
		units = []string{*unit}
	}
	w := env.Stdout
	if *out != "-" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	switch *what {
	case "targets":
		if f != exchange.Native {
			return fmt.Errorf("--what targets: chỉ với --format planwatch-csv / only with --format planwatch-csv")
		}
		q := planwatch.TargetQuery{Units: units}
		if *period != "" {
			p, err := planwatch.ParsePeriod(*period)
			if err != nil {
				return err
			}
			q.Years = []int{p.Year}
		}
		targets, err := s.Targets(ctx, q)
		if err != nil {
			return err
		}
		return nativecsv.WriteTargets(w, targets)
	case "values":
	default:
		return fmt.Errorf("--what %q: values | targets", *what)
	}
	q := planwatch.ValueQuery{Units: units}
	if *period != "" {
		p, err := planwatch.ParsePeriod(*period)
		if err != nil {
			return err
		}
		keys := p.MonthKeys()
		q.FromMonth, q.ToMonth = keys[0], keys[len(keys)-1]
	}
	values, err := s.Values(ctx, q)
	if err != nil {
		return err
	}
	byCode, err := indicatorsByCode(ctx, s)
	if err != nil {
		return err
	}
	if err := exchange.Write(f, w, values, byCode, dhis2.Mapping{}); err != nil {
		return err
	}
	if c, ok := w.(io.Closer); ok && *out != "-" {
		return c.Close()
	}
	return nil
}
