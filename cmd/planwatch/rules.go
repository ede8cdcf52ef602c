package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"planwatch"
	"planwatch/exchange"
	"planwatch/rules"
)

const ruleUsage = `cách dùng / usage:
  planwatch rule import [--db PATH] FILE        lưu các quy tắc của tệp (thay quy tắc cùng mã) / store the rules of a CSV file (replacing those of the same code)
  planwatch rule list [--db PATH]               các quy tắc, kể cả quy tắc tự sinh / the rules, generated ones included
  planwatch rule export [-o FILE] [--db PATH]   xuất các quy tắc đã lưu / write the stored rules as CSV
A rules file is a CSV with the columns ` + "code,name_vi,name_en,each,left,op,right,importance,action,tolerance_pct,message_vi,message_en" + `:
left and right are formulas (econ.grdp / pop.average_population, x[-1y], ytd(x), sum_children(x)); op is
=, !=, <, <=, >, >= or compulsory_pair; importance high|medium|low; action warn|block; with each (a selector
such as time_agg=sum or kind=rate;unit=%), "$" stands for every indicator selected.`

const categoryUsage = `cách dùng / usage:
  planwatch category import [--db PATH] FILE                         lưu các phân tổ / store the categories of a CSV file
  planwatch category list [--db PATH]                                các phân tổ và chỉ tiêu gắn với chúng / categories and their indicators
  planwatch category export [-o FILE] [--db PATH]                    xuất / write them as CSV
  planwatch category attach --indicator CODE --category CAT [--db PATH]   gắn phân tổ vào chỉ tiêu (tạo các chỉ tiêu CODE~option) / break an indicator down (creates CODE~option); --category "" detaches
A categories file is a CSV with the columns category,name_vi,name_en,option,option_name_vi,option_name_en, one row per option.`

// ruleStore is a store with rules and categories.
type ruleStore interface {
	planwatch.Store
	planwatch.RuleStore
}

// withRules opens the store and runs f with its rules and categories.
func withRules(ctx context.Context, env *Env, db string, f func(ruleStore) error) error {
	return withStoreAs(ctx, env, db, "kho dữ liệu không lưu quy tắc / this store does not keep rules",
		func(_ planwatch.Store, rs ruleStore) error { return f(rs) })
}

// subcommand parses "SUB flags…" for rule and category.
func subcommand(env *Env, name, usage string, subs []string, args []string) (string, *flag.FlagSet, *string, error) {
	if len(args) == 0 {
		return "", nil, nil, errors.New(usage)
	}
	sub := args[0]
	if sub == "-h" || sub == "--help" || sub == "help" {
		fmt.Fprintln(env.Stdout, usage)
		return "", nil, nil, flag.ErrHelp
	}
	ok := false
	for _, s := range subs {
		ok = ok || s == sub
	}
	if !ok {
		return "", nil, nil, fmt.Errorf("lệnh con không rõ / unknown subcommand %q\n%s", sub, usage)
	}
	fs, db := storeFlags(env, name+" "+sub)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), usage); fs.PrintDefaults() }
	return sub, fs, db, nil
}

func cmdRule(ctx context.Context, env *Env, args []string) error {
	sub, fs, db, err := subcommand(env, "rule", ruleUsage, []string{"import", "list", "export"}, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	out := fs.String("o", "", "tệp ghi ra / output file (default: standard output)")
	by := fs.String("by", "", "người thực hiện / acting user (default $USER)")
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if (sub == "import") != (fs.NArg() == 1) || fs.NArg() > 1 {
		return errors.New(ruleUsage)
	}
	return withRules(ctx, env, *db, func(s ruleStore) error {
		switch sub {
		case "import":
			f, err := os.Open(fs.Arg(0))
			if err != nil {
				return err
			}
			defer f.Close()
			rs, err := rules.ReadRules(io.LimitReader(f, 8<<20))
			if err != nil {
				return err
			}
			inds, err := s.Indicators(ctx)
			if err != nil {
				return err
			}
			if err := rules.CheckAgainst(rs, inds); err != nil {
				return err
			}
			if err := s.SaveRules(ctx, rs, user(env, *by), "cli"); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "đã lưu / saved %d rules\n", len(rs))
			return nil
		case "export":
			rs, err := s.Rules(ctx)
			if err != nil {
				return err
			}
			return writeOut(env, *out, func(w io.Writer) error { return rules.WriteRules(w, rs) })
		}
		stored, err := s.Rules(ctx)
		if err != nil {
			return err
		}
		inds, err := s.Indicators(ctx)
		if err != nil {
			return err
		}
		for _, r := range append(stored, rules.Generated(inds)...) {
			each := ""
			if r.Each != "" {
				each = "  [each " + r.Each + "]"
			}
			fmt.Fprintf(env.Stdout, "%-28s %-6s %-5s %s %s %s%s\n", r.Code, r.Importance, r.Action, r.Left, r.Op.Symbol(), r.Right, each)
		}
		return nil
	})
}

func cmdCategory(ctx context.Context, env *Env, args []string) error {
	sub, fs, db, err := subcommand(env, "category", categoryUsage, []string{"import", "list", "export", "attach"}, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	out := fs.String("o", "", "tệp ghi ra / output file (default: standard output)")
	by := fs.String("by", "", "người thực hiện / acting user (default $USER)")
	indicator := fs.String("indicator", "", "mã chỉ tiêu / indicator code (attach)")
	category := fs.String("category", "", "mã phân tổ / category code (attach; empty detaches)")
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if (sub == "import") != (fs.NArg() == 1) || fs.NArg() > 1 || (sub == "attach" && *indicator == "") {
		return errors.New(categoryUsage)
	}
	who := user(env, *by)
	return withRules(ctx, env, *db, func(s ruleStore) error {
		cats, err := s.Categories(ctx)
		if err != nil {
			return err
		}
		switch sub {
		case "import":
			f, err := os.Open(fs.Arg(0))
			if err != nil {
				return err
			}
			defer f.Close()
			read, err := rules.ReadCategories(io.LimitReader(f, 8<<20))
			if err != nil {
				return err
			}
			// Every category with the parts of the indicators broken down
			// by it, all or nothing.
			ce, ok := s.(planwatch.CatalogueEditor)
			if !ok {
				return fmt.Errorf("category import: this store's catalogue cannot be edited")
			}
			if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: who, From: "cli", Categories: read}); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "đã lưu / saved %d categories\n", len(read))
			return nil
		case "export":
			return writeOut(env, *out, func(w io.Writer) error { return rules.WriteCategories(w, cats) })
		case "attach":
			n, err := rules.AttachCategory(ctx, s, cats, *indicator, *category, who, "cli")
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "đã lưu / saved %d indicators\n", n)
			return nil
		}
		inds, err := s.Indicators(ctx)
		if err != nil {
			return err
		}
		for _, c := range cats {
			fmt.Fprintf(env.Stdout, "%s  %s\n", c.Code, c.NameVI)
			for _, o := range c.Options {
				fmt.Fprintf(env.Stdout, "    ~%-16s %s\n", o.Code, o.NameVI)
			}
			for _, ind := range inds {
				if ind.Category == c.Code {
					fmt.Fprintf(env.Stdout, "    → %s\n", ind.Code)
				}
			}
		}
		return nil
	})
}

// cmdValidate lists the violations of the validation rules for a unit and
// the units under it, for a period.
func cmdValidate(ctx context.Context, env *Env, args []string) error {
	fs, db := storeFlags(env, "validate")
	unit := fs.String("unit", "", "mã đơn vị hành chính / GSO unit code (e.g. 20); the units under it are checked too")
	period := fs.String("period", "", "kỳ báo cáo / period id (2022Q1, 202203 …)")
	format := fs.String("format", "table", "table | json")
	lang := fs.String("lang", "vi", "vi | en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return fmt.Errorf("--format %q: table | json", *format)
	}
	s, p, err := openForPeriod(ctx, env, *db, *unit, *period)
	if err != nil {
		return err
	}
	defer s.Close()
	set, problems, err := rules.Load(ctx, s)
	if err != nil {
		return err
	}
	for _, pr := range problems {
		fmt.Fprintf(env.Stderr, "bỏ qua quy tắc / rule left out: %s %s: %s\n", pr.Value, pr.Column, pr.Reason)
	}
	live, err := openIndex(ctx, env, s, false)
	if err != nil {
		return err
	}
	ds := live.Dataset()
	if _, ok := ds.Units().Latest(*unit); !ok {
		return planwatch.Errorf(planwatch.ENOTFOUND, "không có đơn vị %q / unknown unit", *unit)
	}
	vs := set.CheckTree(ds, *unit, p)
	if *format == "json" {
		if vs == nil {
			vs = []rules.Violation{}
		}
		return printJSON(env.Stdout, map[string]any{"unit": *unit, "period": p.ID(), "rules": set.Len(), "violations": vs})
	}
	for _, v := range vs {
		fmt.Fprintln(env.Stdout, v.Text(*lang))
	}
	fmt.Fprintf(env.Stdout, "%d vi phạm / violations (%d quy tắc / checks)\n", len(vs), set.Len())
	return nil
}

// seedRules stores the starter set of validation rules in a store that has none.
func seedRules(ctx context.Context, s planwatch.Store, by string) error {
	rs, ok := s.(planwatch.RuleStore)
	if !ok {
		return nil
	}
	stored, err := rs.Rules(ctx)
	if err != nil || len(stored) > 0 {
		return err
	}
	return rs.SaveRules(ctx, rules.Starter(), by, "cli")
}

// importGuard is the guard of the store's blocking rules over its index,
// nil (no index opened) when no rule blocks.
func importGuard(ctx context.Context, env *Env, s planwatch.Store) (exchange.Guard, error) {
	set, _, err := rules.Load(ctx, s)
	if err != nil {
		return nil, err
	}
	if !set.Blocks() {
		return nil, nil
	}
	live, err := openIndex(ctx, env, s, false)
	if err != nil {
		return nil, err
	}
	return rules.NewGuard(set, live.Dataset()), nil
}
