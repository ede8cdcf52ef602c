package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"planwatch"
	"planwatch/catalogue"
)

const catalogueUsage = `cách dùng / usage:
  planwatch catalogue import [--db PATH] [--dry-run] [--note TEXT] [--by NAME] [--convert CODE=FACTOR]… FILE
        thêm hoặc sửa chỉ tiêu theo tệp CSV, tất cả hoặc không gì / add or change indicators from a CSV file, all or nothing
  planwatch catalogue export [--db PATH] [-o FILE]         danh mục ra CSV / the catalogue as CSV
  planwatch catalogue list [--db PATH] [--format json]     các chỉ tiêu (kể cả đã thôi theo dõi) / the indicators, retired ones included
  planwatch catalogue history [--db PATH] [--format json] CODE   các phiên bản của một chỉ tiêu / every version of an indicator
Columns: code,name_vi,name_en,unit,kind,aggregation (or time_agg),periodicity,sector,direction,decimals,
unit_agg,numerator,denominator,formula,category,retired; code, name_vi and kind are required.
A change of kind or aggregation of an indicator with stored values is refused. A change of its unit needs
--convert CODE=FACTOR: stored values and targets are multiplied by FACTOR (1 keeps the stored amounts).`

const setUsage = `cách dùng / usage:
  planwatch set import [--db PATH] [--dry-run] [--note TEXT] [--by NAME] FILE   bộ chỉ tiêu theo dõi của đơn vị theo năm / the indicator sets of units by year
  planwatch set export [--db PATH] [--unit U] [--year Y] [-o FILE]
  planwatch set list [--db PATH] [--unit U] [--year Y] [--format json]
  planwatch set remove [--db PATH] --unit U --year Y      bỏ bộ chỉ tiêu (đơn vị theo dõi mọi chỉ tiêu) / remove a set (the unit monitors everything)
Columns: unit,year,indicator,target_kinds,source (one row per indicator; a file replaces the sets of the units and years it names).`

const groupUsage = `cách dùng / usage:
  planwatch group import [--db PATH] [--dry-run] [--note TEXT] [--by NAME] FILE   nhóm đơn vị / unit groups
  planwatch group export [--db PATH] [-o FILE]
  planwatch group list [--db PATH] [--format json]
  planwatch group remove [--db PATH] CODE
Columns: group,name_vi,name_en,unit (one row per unit; a file replaces the groups it names).`

// catalogueFlags are the flags of the catalogue, set and group commands.
type catalogueFlags struct {
	fs      *flag.FlagSet
	db      *string
	out     *string
	format  *string
	dryRun  *bool
	note    *string
	by      *string
	unit    *string
	year    *int
	convert factors
	args    []string // positional arguments, wherever they stand among the flags
}

// factors is --convert CODE=FACTOR, repeatable.
type factors map[string]float64

func (f factors) String() string { return "" }

func (f factors) Set(s string) error {
	code, num, ok := strings.Cut(s, "=")
	x, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if !ok || err != nil || code == "" || !(x > 0) {
		return fmt.Errorf("--convert CODE=FACTOR (hệ số dương / a positive factor): %q", s)
	}
	f[strings.TrimSpace(code)] = x
	return nil
}

// parseCatalogueFlags parses the command line of a catalogue, set or group
// subcommand, before any database is opened.
func parseCatalogueFlags(env *Env, name, usage string, args []string) (*catalogueFlags, error) {
	fs, db := storeFlags(env, name)
	c := &catalogueFlags{fs: fs, db: db, convert: factors{}}
	c.out = fs.String("o", "", "tệp ghi ra / output file (default: standard output)")
	c.format = fs.String("format", "text", "text|json")
	c.dryRun = fs.Bool("dry-run", false, "chỉ kiểm tra, không lưu / check only, store nothing")
	c.note = fs.String("note", "", "lý do thay đổi, ghi vào lịch sử / why, kept in the history")
	c.by = fs.String("by", "", "người thay đổi / who (default $USER)")
	c.unit = fs.String("unit", "", "mã đơn vị / unit code")
	c.year = fs.Int("year", 0, "năm / year")
	fs.Var(c.convert, "convert", "CODE=FACTOR: quy đổi giá trị đã lưu khi đổi đơn vị / convert stored values on a change of unit")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), usage); fs.PrintDefaults() }
	// Flags may follow the positional arguments ("history CODE --db DB").
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		c.args = append(c.args, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *c.format != "text" && *c.format != "json" {
		return nil, fmt.Errorf("--format text|json")
	}
	return c, nil
}

// catalogueSubcommand checks the subcommand of a command with usage.
func catalogueSubcommand(env *Env, args []string, usage string, subs ...string) (string, bool, error) {
	if len(args) == 0 {
		return "", false, errors.New(usage)
	}
	switch sub := args[0]; {
	case sub == "-h" || sub == "--help" || sub == "help":
		fmt.Fprintln(env.Stdout, usage)
		return "", true, nil
	case !contains(subs, sub):
		return "", false, fmt.Errorf("lệnh con không rõ / unknown subcommand %q\n%s", sub, usage)
	default:
		return sub, false, nil
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// withEditor opens the store and runs f with its catalogue.
func withEditor(ctx context.Context, env *Env, db string, f func(planwatch.Store, planwatch.CatalogueEditor) error) error {
	return withStoreAs(ctx, env, db, "kho dữ liệu không quản lý danh mục / this store does not manage a catalogue", f)
}

// importCatalogueFile reads a catalogue, set or group file (bounded) with
// read, then applies the change it makes; the store's problems name the file's lines.
func importCatalogueFile(ctx context.Context, env *Env, c *catalogueFlags, read func(io.Reader, *planwatch.CatalogueChange) ([]int, error)) error {
	if len(c.args) != 1 {
		return fmt.Errorf("cần đúng một tệp / give exactly one file")
	}
	path := c.args[0]
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	change := &planwatch.CatalogueChange{By: user(env, *c.by), From: filepath.Base(path), Note: *c.note, DryRun: *c.dryRun}
	lines, err := read(io.LimitReader(f, 64<<20), change)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(c.convert) > 0 {
		change.Convert = c.convert
	}
	return withEditor(ctx, env, *c.db, func(_ planwatch.Store, ce planwatch.CatalogueEditor) error {
		res, err := ce.ApplyCatalogue(ctx, change)
		if err != nil {
			return fmt.Errorf("%s: %w", path, catalogue.Remap(err, lines))
		}
		verb := "đã lưu / stored"
		if change.DryRun {
			verb = "kiểm tra xong, chưa lưu / checked, nothing stored (--dry-run)"
		}
		fmt.Fprintf(env.Stdout, "%s: %d phiên bản chỉ tiêu mới / new indicator versions, %d bộ chỉ tiêu / sets, %d nhóm / groups; "+
			"quy đổi / converted: %d giá trị và chỉ tiêu kế hoạch / values and targets\n",
			verb, res.Indicators, res.Sets, res.Groups, res.Converted.Updated)
		return nil
	})
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// cmdCatalogue manages the indicator catalogue: import (versioned and
// audited, all or nothing), export, list, and the history of an indicator.
func cmdCatalogue(ctx context.Context, env *Env, args []string) error {
	sub, done, err := catalogueSubcommand(env, args, catalogueUsage, "import", "export", "list", "history")
	if done || err != nil {
		return err
	}
	c, err := parseCatalogueFlags(env, "catalogue "+sub, catalogueUsage, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	switch sub {
	case "import":
		return importCatalogueFile(ctx, env, c, func(r io.Reader, change *planwatch.CatalogueChange) ([]int, error) {
			inds, lines, err := catalogue.ReadIndicators(r)
			change.Indicators = inds
			return lines, err
		})
	case "history":
		if len(c.args) != 1 {
			return fmt.Errorf("cần mã chỉ tiêu / give an indicator code\n%s", catalogueUsage)
		}
		return withEditor(ctx, env, *c.db, func(_ planwatch.Store, ce planwatch.CatalogueEditor) error {
			h, err := ce.IndicatorHistory(ctx, c.args[0])
			if err != nil {
				return err
			}
			if len(h) == 0 {
				return planwatch.Errorf(planwatch.ENOTFOUND, "không có chỉ tiêu %q (no such indicator)", c.args[0])
			}
			if *c.format == "json" {
				return printJSON(env.Stdout, h)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "phiên bản/version\tlúc/at\tngười/by\tnguồn/from\tthay đổi/changes\tghi chú/note")
			for i, v := range h {
				what := "tạo mới / created"
				if i > 0 {
					what = strings.Join(indicatorDiff(&h[i-1].Indicator, &v.Indicator), "; ")
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", v.Version, v.At.Format("2006-01-02 15:04:05"), v.By, v.From, what, v.Note)
			}
			return tw.Flush()
		})
	}
	if err := extraArgs(c.args); err != nil {
		return err
	}
	return withEditor(ctx, env, *c.db, func(s planwatch.Store, _ planwatch.CatalogueEditor) error {
		inds, err := s.Indicators(ctx)
		if err != nil {
			return err
		}
		if sub == "export" {
			return writeOut(env, *c.out, func(w io.Writer) error { return catalogue.WriteIndicators(w, inds) })
		}
		if *c.format == "json" {
			return printJSON(env.Stdout, inds)
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		for _, ind := range inds {
			state := ""
			if ind.Retired {
				state = "thôi theo dõi / retired"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s/%s\t%s\n", ind.Code, ind.NameVI, ind.Unit, ind.Kind, ind.TimeAgg, ind.UnitAgg, state)
		}
		return tw.Flush()
	})
}

// indicatorDiff names the fields that differ between two versions.
func indicatorDiff(a, b *planwatch.Indicator) []string {
	var out []string
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var ma, mb map[string]any
	json.Unmarshal(ja, &ma)
	json.Unmarshal(jb, &mb)
	for _, k := range catalogue.IndicatorColumns {
		key := k
		if k == "aggregation" {
			key = "time_agg"
		}
		if fmt.Sprint(ma[key]) != fmt.Sprint(mb[key]) {
			out = append(out, fmt.Sprintf("%s: %v → %v", k, orNone(ma[key]), orNone(mb[key])))
		}
	}
	return out
}

func orNone(v any) any {
	if v == nil || v == "" {
		return "∅"
	}
	return v
}

// cmdSet manages indicator sets: which indicators (and target kinds) a unit
// monitors in a year.
func cmdSet(ctx context.Context, env *Env, args []string) error {
	sub, done, err := catalogueSubcommand(env, args, setUsage, "import", "export", "list", "remove")
	if done || err != nil {
		return err
	}
	c, err := parseCatalogueFlags(env, "set "+sub, setUsage, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	switch sub {
	case "import":
		return importCatalogueFile(ctx, env, c, func(r io.Reader, change *planwatch.CatalogueChange) ([]int, error) {
			sets, lines, err := catalogue.ReadSets(r)
			change.Sets = sets
			return lines, err
		})
	case "remove":
		if *c.unit == "" || *c.year == 0 {
			return fmt.Errorf("cần --unit và --year / give --unit and --year\n%s", setUsage)
		}
		if err := extraArgs(c.args); err != nil {
			return err
		}
		return withEditor(ctx, env, *c.db, func(_ planwatch.Store, ce planwatch.CatalogueEditor) error {
			res, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: user(env, *c.by), From: "cli", Note: *c.note,
				Sets: []planwatch.IndicatorSet{{Unit: *c.unit, Year: *c.year}}})
			if err == nil {
				fmt.Fprintf(env.Stdout, "đã bỏ / removed: %d\n", res.Sets)
			}
			return err
		})
	}
	if err := extraArgs(c.args); err != nil {
		return err
	}
	return withEditor(ctx, env, *c.db, func(_ planwatch.Store, ce planwatch.CatalogueEditor) error {
		sets, err := ce.IndicatorSets(ctx, *c.unit, *c.year)
		if err != nil {
			return err
		}
		if sub == "export" {
			return writeOut(env, *c.out, func(w io.Writer) error { return catalogue.WriteSets(w, sets) })
		}
		if *c.format == "json" {
			return printJSON(env.Stdout, sets)
		}
		for _, s := range sets {
			fmt.Fprintf(env.Stdout, "%s %d: %d chỉ tiêu / indicators  %s  (%s, %s)\n", s.Unit, s.Year, len(s.Items), s.Source, s.By, s.At.Format("2006-01-02"))
		}
		return nil
	})
}

// cmdGroup manages unit groups.
func cmdGroup(ctx context.Context, env *Env, args []string) error {
	sub, done, err := catalogueSubcommand(env, args, groupUsage, "import", "export", "list", "remove")
	if done || err != nil {
		return err
	}
	c, err := parseCatalogueFlags(env, "group "+sub, groupUsage, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	switch sub {
	case "import":
		return importCatalogueFile(ctx, env, c, func(r io.Reader, change *planwatch.CatalogueChange) ([]int, error) {
			groups, lines, err := catalogue.ReadGroups(r)
			change.Groups = groups
			return lines, err
		})
	case "remove":
		if len(c.args) != 1 {
			return fmt.Errorf("cần mã nhóm / give a group code\n%s", groupUsage)
		}
		return withEditor(ctx, env, *c.db, func(_ planwatch.Store, ce planwatch.CatalogueEditor) error {
			res, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: user(env, *c.by), From: "cli", Note: *c.note,
				Groups: []planwatch.UnitGroup{{Code: c.args[0]}}})
			if err == nil {
				fmt.Fprintf(env.Stdout, "đã bỏ / removed: %d\n", res.Groups)
			}
			return err
		})
	}
	if err := extraArgs(c.args); err != nil {
		return err
	}
	return withEditor(ctx, env, *c.db, func(_ planwatch.Store, ce planwatch.CatalogueEditor) error {
		groups, err := ce.UnitGroups(ctx)
		if err != nil {
			return err
		}
		if sub == "export" {
			return writeOut(env, *c.out, func(w io.Writer) error { return catalogue.WriteGroups(w, groups) })
		}
		if *c.format == "json" {
			return printJSON(env.Stdout, groups)
		}
		for _, g := range groups {
			fmt.Fprintf(env.Stdout, "%s\t%s\t%d đơn vị / units: %s\n", g.Code, g.NameVI, len(g.Units), strings.Join(g.Units, ", "))
		}
		return nil
	})
}

// indicatorSet is the indicator set of a unit for a year, nil when it has
// none (or the store keeps no sets): status and report show what it monitors.
func indicatorSet(ctx context.Context, s planwatch.Store, unit string, year int) (*planwatch.IndicatorSet, error) {
	ce, ok := s.(planwatch.CatalogueEditor)
	if !ok {
		return nil, nil
	}
	sets, err := ce.IndicatorSets(ctx, unit, year)
	if err != nil || len(sets) == 0 {
		return nil, err
	}
	return &sets[0], nil
}
