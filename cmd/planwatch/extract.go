package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"planwatch/data"
	"planwatch/extract"
)

// cmdExtract implements "planwatch extract FILE|-": it reads a Vietnamese
// report or article and prints its numeric facts as JSON Lines, one fact per
// line, matched to the indicator catalogue.
func cmdExtract(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	date := fs.String("date", "", "ngày đăng YYYY-MM-DD (mặc định: đọc từ văn bản) / publication date (default: read from the text)")
	place := fs.String("place", "", "địa phương (mặc định: đọc từ văn bản) / reporting unit (default: read from the text)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("cách dùng / usage: planwatch extract [--date YYYY-MM-DD] [--place TÊN] FILE|-")
	}
	var opts extract.Options
	opts.Place = *place
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			return fmt.Errorf("--date %q: cần dạng YYYY-MM-DD / want YYYY-MM-DD", *date)
		}
		opts.Date = d
	}
	var (
		text []byte
		err  error
	)
	if name := fs.Arg(0); name == "-" {
		text, err = io.ReadAll(env.Stdin)
	} else {
		text, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("đọc văn bản / reading the text: %w", err)
	}
	inds, err := data.Indicators()
	if err != nil {
		return fmt.Errorf("danh mục chỉ tiêu / indicator catalogue: %w", err)
	}
	cat := make([]extract.Entry, len(inds))
	for i, ind := range inds {
		cat[i] = extract.Entry{Code: ind.Code, NameVI: ind.NameVI, Unit: ind.Unit, Kind: string(ind.Kind)}
	}
	w := bufio.NewWriter(env.Stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range extract.New(cat).Extract(string(text), opts) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := enc.Encode(f); err != nil {
			return err
		}
	}
	return w.Flush()
}
