package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"planwatch"
	"planwatch/copystore"
)

// cmdCopyStore copies a whole store between engines (sqlite://PATH or a file
// path, postgres://…), then prints and checks row counts and checksums per table.
// Accounts (with their password hashes) and approvals are copied; sessions
// and login attempts are not, so everyone signs in again on the copy.
func cmdCopyStore(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("copy-store", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	from := fs.String("from", "", "CSDL nguồn / source store: sqlite://PATH or postgres://…")
	to := fs.String("to", "", "CSDL đích, phải trống / target store, must be empty: sqlite://PATH or postgres://…")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return planwatch.Errorf(planwatch.EINVALID, "cần --from và --to / --from and --to are required")
	}
	src, err := openStore(ctx, env, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openStore(ctx, env, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	d, ok := src.(planwatch.Dumper)
	if !ok {
		return fmt.Errorf("copy-store: the source engine cannot be dumped")
	}
	r, ok := dst.(planwatch.Restorer)
	if !ok {
		return fmt.Errorf("copy-store: the target engine cannot be restored into")
	}
	sf, st, copyErr := copystore.Copy(ctx, d, r)
	if sf != nil {
		w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "bảng / table\tnguồn / source\tđích / copy\tchecksum\t")
		for i := range sf {
			mark := "ok"
			if sf[i] != st[i] {
				mark = "KHÁC / DIFFERS"
			}
			fmt.Fprintf(w, "%s\t%d\t%d\t%016x\t%s\n", sf[i].Table, sf[i].Rows, st[i].Rows, st[i].Sum, mark)
		}
		w.Flush()
	}
	return copyErr
}
