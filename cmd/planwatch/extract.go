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

	"strings"

	"planwatch"
	"planwatch/data"
	"planwatch/document"
	"planwatch/extract"
)

// cmdExtract implements "planwatch extract FILE|-": it reads a Vietnamese
// report or article (text, Word, PDF, web page or workbook) and prints its numeric facts as JSON Lines, one fact per
// line, matched to the indicator catalogue.
func cmdExtract(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	date := fs.String("date", "", "ngày đăng YYYY-MM-DD (mặc định: đọc từ văn bản) / publication date (default: read from the text)")
	place := fs.String("place", "", "địa phương (mặc định: đọc từ văn bản) / reporting unit (default: read from the text)")
	save := fs.Bool("save", false, "lưu các số liệu vào CSDL sau khi xác nhận / store the facts after confirmation")
	yes := fs.Bool("yes", false, "lưu không cần hỏi / store without asking")
	db := fs.String("db", "", "cơ sở dữ liệu (với --save) / database (with --save)")
	unit := fs.String("unit", "", "mã đơn vị (với --save; mặc định theo địa danh) / unit code (with --save; default: from the place)")
	by := fs.String("by", "", "người lưu / user recorded as the author")
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
	// Word, PDF, web pages, workbooks and text are told apart by content.
	doc, err := document.Read(ctx, text)
	if err != nil {
		return fmt.Errorf("đọc văn bản / reading the document: %w", err)
	}
	opts.FileDate = doc.Date
	facts := extract.New(cat).Extract(doc.Text, opts)
	w := bufio.NewWriter(env.Stdout)
	if *save {
		w = bufio.NewWriter(env.Stderr) // stdout stays for the summary; the facts go to stderr for review
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range facts {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := enc.Encode(f); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil || !*save {
		return err
	}
	ref := fs.Arg(0)
	if ref == "-" {
		ref = "stdin"
	}
	return saveFacts(ctx, env, facts, saveRequest{db: *db, unit: *unit, by: user(env, *by), ref: ref, yes: *yes})
}

type saveRequest struct {
	db, unit, by, ref string
	yes               bool
}

// saveFacts stores extracted facts as data values whose source is the
// document and sentence, after the user confirms (or with --yes).
func saveFacts(ctx context.Context, env *Env, facts []extract.Fact, req saveRequest) error {
	s, err := openStore(ctx, env, req.db)
	if err != nil {
		return err
	}
	defer s.Close()
	byCode, err := indicatorsByCode(ctx, s)
	if err != nil {
		return err
	}
	if req.unit == "" {
		req.unit, err = unitOfPlace(ctx, s, facts)
		if err != nil {
			return err
		}
	}
	cs, skipped := extract.ChangeSet(facts, extract.SaveOptions{Unit: req.unit, Ref: req.ref, By: req.by, Now: env.Now(), Indicators: byCode})
	cs.From = "cli: " + req.ref
	for _, sk := range skipped {
		fmt.Fprintf(env.Stdout, "Bỏ qua / skipped: %q — %s\n", sk.Fact.Sentence, sk.Reason)
	}
	fmt.Fprintf(env.Stdout, "Sẽ lưu cho đơn vị %s / to store for unit %s: %d giá trị / values, %d chỉ tiêu kế hoạch / targets, %d mốc / milestones.\n",
		req.unit, req.unit, len(cs.Values), len(cs.Targets), len(cs.Milestones))
	if !req.yes {
		fmt.Fprint(env.Stdout, "Lưu? / Save? [y/N] ")
		answer, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" && a != "c" && a != "có" {
			fmt.Fprintln(env.Stdout, "Không lưu / not saved.")
			return nil
		}
	}
	res, err := s.Apply(ctx, cs)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã lưu / saved: %d mới / new, %d cập nhật / updated, %d không đổi / ignored\n", res.Imported, res.Updated, res.Ignored)
	return nil
}

// unitOfPlace finds the province the facts speak of by its name.
func unitOfPlace(ctx context.Context, s planwatch.Store, facts []extract.Fact) (string, error) {
	place := ""
	for _, f := range facts {
		if f.Place != "" {
			place = f.Place
			break
		}
	}
	units, err := s.OrgUnits(ctx)
	if err != nil {
		return "", err
	}
	for _, u := range units {
		if u.Level == planwatch.LevelProvince && place != "" && (strings.EqualFold(u.Name, place) || strings.EqualFold(u.FullName, place)) {
			return u.Code, nil
		}
	}
	return "", fmt.Errorf("không xác định được đơn vị của %q; dùng --unit / cannot tell the unit of %q: use --unit", place, place)
}
