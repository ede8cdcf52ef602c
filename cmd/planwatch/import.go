package main

import (
	"context"
	"fmt"
	"path/filepath"

	"planwatch"
	"planwatch/dhis2"
	"planwatch/exchange"
	"planwatch/internal/hugepage"
)

// cmdImport imports a file of values or targets in any supported format
// (planwatch CSV, DHIS2 JSON/CSV/XML/ADX, SDMX-CSV, XLSX): every row is
// checked first, and either all of it is stored or none (--atomic-mode NONE:
// the valid part). DHIS2 and SDMX files are read one value at a time. A
// partner's ids are translated by --mapping (a stored mapping's name, or a
// mapping file). It prints an import summary in the manner of DHIS2, once.
func cmdImport(ctx context.Context, env *Env, args []string) error {
	defer limitMemory(env)() // memory.go
	hugepage.Enable()        // a process that ends with its import (internal/hugepage)
	fs, db := storeFlags(env, "import")
	by := fs.String("by", "", "người nhập / user recorded as the author")
	dry := fs.Bool("dry-run", false, "chỉ kiểm tra, không lưu / validate only")
	format := fs.String("format", "", "planwatch-csv | dhis2-json | dhis2-csv | dhis2-xml | adx | sdmx-csv | xlsx (mặc định: tự nhận / default: detected)")
	mapping := fs.String("mapping", "", "bảng ánh xạ mã đối tác: tên đã lưu hoặc tệp CSV / partner id mapping: a stored name or a CSV file")
	scheme := fs.String("id-scheme", "", "idScheme của DHIS2 / DHIS2 idScheme: UID, CODE, NAME (default: mapped ids, otherwise codes)")
	strategy := fs.String("import-strategy", "", "importStrategy của DHIS2 / DHIS2 importStrategy: CREATE_AND_UPDATE (default), CREATE, UPDATE, DELETE")
	atomic := fs.String("atomic-mode", "", "atomicMode của DHIS2 / DHIS2 atomicMode: ALL (default: all or nothing), NONE (store the valid part)")
	keepStoredBy := fs.Bool("keep-stored-by", false, "giữ storedBy của tệp DHIS2 làm người nhập (nhật ký ghi người chạy lệnh) / keep a DHIS2 file's storedBy as who entered each value (the audit names --by)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("cách dùng / usage: planwatch import [--db PATH] [--format F] [--mapping NAME|FILE] [--id-scheme S] [--import-strategy S] [--atomic-mode ALL|NONE] [--dry-run] FILE")
	}
	opts := exchange.Options{TrustStoredBy: *keepStoredBy}
	var err error
	if err = opts.Schemes.Set("idScheme", *scheme); err != nil {
		return err
	}
	if opts.Strategy, err = dhis2.ParseImportStrategy(*strategy); err != nil {
		return err
	}
	if opts.Atomic, err = exchange.ParseAtomicMode(*atomic); err != nil {
		return err
	}
	name := fs.Arg(0)
	file, f, err := openDataFile(name, *format)
	if err != nil {
		return err
	}
	defer file.Close()
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := readFrom(ctx, s, *mapping, &opts, f != exchange.Native); err != nil {
		return err
	}
	opts.Ref, opts.By, opts.Now, opts.DryRun = filepath.Base(name), user(env, *by), env.Now(), *dry
	if opts.Guard, err = importGuard(ctx, env, s); err != nil {
		return err
	}
	return printSummary(env, name)(exchange.Import(ctx, s, f, file, opts))
}

// printSummary prints the summary of importing file name, once.
func printSummary(env *Env, name string) func(exchange.Summary, error) error {
	return func(sum exchange.Summary, err error) error {
		if err != nil {
			return err
		}
		if err := sum.WriteText(env.Stdout); err != nil {
			return err
		}
		if sum.Status == exchange.StatusError {
			// The summary above names every conflict; the error only says so.
			return &planwatch.Error{Code: planwatch.EINVALID, Message: fmt.Sprintf("%s: không có dữ liệu nào được nhập (%d lỗi, xem ở trên) / nothing was imported (%d conflicts, listed above)", name, sum.ConflictCount, sum.ConflictCount)}
		}
		return nil
	}
}

// readFrom sets what readers take from the store: the catalogue, so unknown
// codes are conflicts naming the row (and, when names is set, unit names
// serve the NAME id scheme), the current values for what a file does not
// say, and the mapping --mapping names ("" for none).
func readFrom(ctx context.Context, s planwatch.Store, mapping string, opts *exchange.Options, names bool) error {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return err
	}
	if uc, ok := s.(unitCoder); ok && !names {
		// The codes alone: a sixth of the time of every unit's versions.
		codes, err := uc.UnitCodes(ctx)
		if err != nil {
			return err
		}
		opts.SetCodes(inds, codes)
	} else {
		units, err := s.OrgUnits(ctx)
		if err != nil {
			return err
		}
		opts.SetCatalogue(inds, units)
	}
	opts.SetStore(ctx, s)
	opts.Mapping, err = loadMapping(ctx, s, mapping)
	return err
}

// unitCoder is a store that lists the codes of its units alone.
type unitCoder interface {
	UnitCodes(ctx context.Context) ([]string, error)
}
