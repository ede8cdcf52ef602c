package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"planwatch"
	"planwatch/exchange"
)

const mappingUsage = `cách dùng / usage:
  planwatch mapping import --name NAME [--db PATH] FILE      lưu bảng ánh xạ / store a mapping file under a name (replaces it)
  planwatch mapping list [--db PATH]                          các bảng đã lưu / the stored mappings
  planwatch mapping export --name NAME [-o FILE] [--db PATH]  xuất một bảng / write one as CSV
  planwatch mapping template [--format F] [--mapping NAME|FILE] [-o FILE] [--db PATH] DATAFILE
                                                              mẫu các mã chưa ánh xạ của một tệp / the ids of a data file no mapping translates, to fill in
A mapping file is a CSV with the columns kind,partner_id,code[,value_type]; kind is
dataElement, orgUnit, categoryOptionCombo, attributeOptionCombo or column (SDMX).`

// cmdMapping manages the named mappings of a partner's ids to planwatch
// codes: import a mapping file under a name, list and export them, and write
// the template of the ids of a data file that no mapping translates.
func cmdMapping(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return errors.New(mappingUsage)
	}
	sub := args[0]
	switch sub {
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stdout, mappingUsage)
		return nil
	case "import", "list", "export", "template":
	default:
		return fmt.Errorf("lệnh con không rõ / unknown subcommand %q\n%s", sub, mappingUsage)
	}
	fs, db := storeFlags(env, "mapping "+sub)
	name := fs.String("name", "", "tên bảng ánh xạ / mapping name")
	out := fs.String("o", "", "tệp ghi ra / output file (default: standard output)")
	format := fs.String("format", "", "định dạng tệp số liệu / data file format (default: detected)")
	with := fs.String("mapping", "", "bảng ánh xạ đã có (tên hoặc tệp) / a mapping already made (name or file)")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), mappingUsage); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	switch sub {
	case "import":
		if fs.NArg() != 1 || !planwatch.ValidMappingName(*name) {
			return fmt.Errorf("cần --name (1–64 chữ, số, '-', '_', '.') và một tệp / give --name (1–64 letters, digits, '-', '_', '.') and one file\n%s", mappingUsage)
		}
		m, err := readMappingFile(fs.Arg(0), *name)
		if err != nil {
			return err
		}
		return withMappings(ctx, env, *db, func(s planwatch.Store, ms planwatch.MappingStore) error {
			var opts exchange.Options
			if err := readFrom(ctx, s, "", &opts, false); err != nil {
				return err
			}
			if ps := exchange.CheckMapping(m, opts.Indicators, opts.Units); len(ps) > 0 {
				return &planwatch.Error{Code: planwatch.EINVALID, Message: fmt.Sprintf("%s: mã không rõ, không lưu gì / unknown codes, nothing was stored", fs.Arg(0)), Problems: ps}
			}
			m.By = user(env, "")
			if err := ms.SaveMapping(ctx, m); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "đã lưu / saved mapping %s: %d entries\n", m.Name, len(m.Entries))
			return nil
		})
	case "list":
		return withMappings(ctx, env, *db, func(_ planwatch.Store, ms planwatch.MappingStore) error {
			list, err := ms.Mappings(ctx)
			if err != nil {
				return err
			}
			for _, m := range list {
				fmt.Fprintf(env.Stdout, "%-24s %6d entries  %s  %s\n", m.Name, len(m.Entries), m.At.Format("2006-01-02 15:04"), m.By)
			}
			return nil
		})
	case "export":
		if !planwatch.ValidMappingName(*name) || fs.NArg() != 0 {
			return fmt.Errorf("cần --name / give --name\n%s", mappingUsage)
		}
		return withMappings(ctx, env, *db, func(_ planwatch.Store, ms planwatch.MappingStore) error {
			m, err := ms.Mapping(ctx, *name)
			if err != nil {
				return err
			}
			return writeOut(env, *out, func(w io.Writer) error { return exchange.WriteMapping(w, m.Entries) })
		})
	}
	// template
	if fs.NArg() != 1 {
		return fmt.Errorf("cần đúng một tệp số liệu / give exactly one data file\n%s", mappingUsage)
	}
	file, f, err := openDataFile(fs.Arg(0), *format)
	if err != nil {
		return err
	}
	defer file.Close()
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var opts exchange.Options
	if err := readFrom(ctx, s, *with, &opts, f != exchange.Native); err != nil {
		return err
	}
	opts.Ref = filepath.Base(fs.Arg(0))
	rd, err := exchange.Scan(f, file, opts, func(planwatch.DataValue) error { return nil })
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%d mã chưa ánh xạ / ids not mapped\n", len(rd.Conflicts.Unmapped))
	return writeOut(env, *out, func(w io.Writer) error { return exchange.WriteMapping(w, rd.Conflicts.Unmapped) })
}

// withMappings opens the store and runs f with its mappings.
func withMappings(ctx context.Context, env *Env, db string, f func(planwatch.Store, planwatch.MappingStore) error) error {
	return withStoreAs(ctx, env, db, "kho dữ liệu không giữ bảng ánh xạ / this store keeps no mappings", f)
}

// readMappingFile reads a mapping file (bounded) under a name.
func readMappingFile(path, name string) (planwatch.Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return planwatch.Mapping{}, err
	}
	defer f.Close()
	return exchange.ReadMapping(io.LimitReader(f, 64<<20), name)
}

// loadMapping resolves --mapping: a mapping file when a file of that path
// exists, otherwise the stored mapping of that name; nil for "".
func loadMapping(ctx context.Context, s planwatch.Store, ref string) (*planwatch.Mapping, error) {
	if ref == "" {
		return nil, nil
	}
	if st, err := os.Stat(ref); err == nil && !st.IsDir() {
		name := strings.TrimSuffix(filepath.Base(ref), filepath.Ext(ref))
		if !planwatch.ValidMappingName(name) {
			name = "file"
		}
		m, err := readMappingFile(ref, name)
		return &m, err
	}
	ms, ok := s.(planwatch.MappingStore)
	if !ok || !planwatch.ValidMappingName(ref) {
		return nil, fmt.Errorf("--mapping %q: không có tệp hay bảng ánh xạ đã lưu mang tên này / no such file or stored mapping", ref)
	}
	m, err := ms.Mapping(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("--mapping %q: không có tệp hay bảng ánh xạ đã lưu mang tên này / no such file or stored mapping", ref)
	}
	return &m, nil
}

// openDataFile opens a data file and names its format: the one given, or
// the one its name and first bytes tell.
func openDataFile(path, format string) (io.ReadCloser, exchange.Format, error) {
	var f exchange.Format
	if format != "" {
		var err error
		if f, err = exchange.ParseFormat(format); err != nil {
			return nil, f, err
		}
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, f, err
	}
	in := bufio.NewReaderSize(file, 1<<20)
	if f == "" {
		head, _ := in.Peek(4096) // a shorter file is all there
		if f = exchange.Detect(path, head); f == exchange.Unknown {
			file.Close()
			return nil, f, fmt.Errorf("%s: không nhận ra định dạng; dùng --format / format not recognised: use --format", path)
		}
	}
	return struct {
		io.Reader
		io.Closer
	}{in, file}, f, nil
}

// writeOut writes to the file named, or to standard output.
func writeOut(env *Env, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(env.Stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
