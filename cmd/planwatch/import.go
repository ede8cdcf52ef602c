package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"planwatch"
	"planwatch/exchange"
)

// maxImportBytes bounds an imported file.
const maxImportBytes = 2 << 30

// cmdImport imports a file of values or targets in any supported format
// (planwatch CSV, DHIS2 JSON/CSV/XML/ADX, SDMX-CSV, XLSX): every row is
// checked first, and either all of it is stored or none. It prints an import
// summary in the manner of DHIS2.
func cmdImport(ctx context.Context, env *Env, args []string) error {
	fs, db := storeFlags(env, "import")
	by := fs.String("by", "", "người nhập / user recorded as the author")
	dry := fs.Bool("dry-run", false, "chỉ kiểm tra, không lưu / validate only")
	format := fs.String("format", "", "planwatch-csv | dhis2-json | dhis2-csv | dhis2-xml | adx | sdmx-csv | xlsx (mặc định: tự nhận / default: detected)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("cách dùng / usage: planwatch import [--db PATH] [--format F] [--dry-run] FILE")
	}
	name := fs.Arg(0)
	content, err := readBounded(name, maxImportBytes)
	if err != nil {
		return err
	}
	f := exchange.Format(*format)
	if *format != "" {
		if f, err = exchange.ParseFormat(*format); err != nil {
			return err
		}
	} else if f = exchange.Detect(name, content[:min(len(content), 4096)]); f == exchange.Unknown {
		return fmt.Errorf("%s: không nhận ra định dạng; dùng --format / format not recognised: use --format", name)
	}
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	opts, err := exchangeOptions(ctx, s)
	if err != nil {
		return err
	}
	opts.Ref, opts.By, opts.Now, opts.DryRun = filepath.Base(name), user(env, *by), env.Now(), *dry
	sum, err := exchange.Import(ctx, s, f, bytes.NewReader(content), opts)
	if err != nil {
		return err
	}
	if err := sum.WriteText(env.Stdout); err != nil {
		return err
	}
	if sum.Status == exchange.StatusError {
		return &planwatch.Error{Code: planwatch.EINVALID, Message: fmt.Sprintf("%s: không có dữ liệu nào được nhập / nothing was imported\n%s", name, conflictsText(sum))}
	}
	return nil
}

func conflictsText(sum exchange.Summary) string {
	var b bytes.Buffer
	for _, c := range sum.Conflicts {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	if sum.Description != "" {
		b.WriteString(sum.Description)
	}
	return b.String()
}

func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: tệp lớn hơn %d byte / file larger than %d bytes", name, limit, limit)
	}
	return b, nil
}

// exchangeOptions gives readers the catalogue, so unknown codes are conflicts
// naming the row, and the current values for SDMX merges.
func exchangeOptions(ctx context.Context, s planwatch.Store) (exchange.Options, error) {
	var opts exchange.Options
	var err error
	if opts.Indicators, err = catalogue(ctx, s); err != nil {
		return opts, err
	}
	units, err := s.OrgUnits(ctx)
	if err != nil {
		return opts, err
	}
	opts.Units = map[string]bool{}
	for _, u := range units {
		opts.Units[u.Code] = true
	}
	opts.Current = func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool) {
		revs, err := s.Revisions(ctx, k)
		if err != nil {
			return planwatch.DataValue{}, false
		}
		var same []planwatch.DataValue
		for _, r := range revs {
			if r.Vintage == v {
				same = append(same, r)
			}
		}
		return planwatch.Current(same)
	}
	return opts, nil
}
