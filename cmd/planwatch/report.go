package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"planwatch"
	"planwatch/report"
)

// cmdReport writes the period report: planwatch report --unit 20 --period 2022Q1 [--format md|html|docx|xlsx] [-o FILE] (xlsx: the annex table alone).
func cmdReport(ctx context.Context, env *Env, args []string) error {
	fs, db := storeFlags(env, "report")
	unit := fs.String("unit", "", "mã đơn vị hành chính / GSO unit code (e.g. 20)")
	period := fs.String("period", "", "kỳ báo cáo / period id (2022Q1, 2022S1, 2022Q1-Q3, 2022 …)")
	format := fs.String("format", "", "md | html | docx | xlsx (phụ lục / the annex table) (mặc định theo đuôi tệp -o, nếu không: md / default from the -o extension, else md)")
	lang := fs.String("lang", "vi", "ngôn ngữ / language: vi | en")
	out := fs.String("o", "", "tệp kết quả / output file (mặc định: màn hình / default stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("đối số thừa / unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *unit == "" || *period == "" {
		return fmt.Errorf("cần --unit và --period / --unit and --period are required")
	}
	if !report.KnownLang(*lang) {
		return fmt.Errorf("ngôn ngữ %q không hỗ trợ / unsupported language %q: vi or en", *lang, *lang)
	}
	p, err := planwatch.ParsePeriod(*period)
	if err != nil {
		return err
	}
	f := *format
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
		if f == "markdown" || f == "" {
			f = "md"
		}
		if f == "htm" {
			f = "html"
		}
	}
	if f != "md" && f != "html" && f != "docx" && f != "xlsx" {
		return fmt.Errorf("định dạng %q không hỗ trợ / unsupported format: md, html, docx or xlsx", f)
	}

	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	live, err := openIndex(ctx, env, s, false)
	if err != nil {
		return err
	}
	in, err := report.LoadWith(ctx, s, live.Dataset(), *unit, p)
	if err != nil {
		return err
	}
	if _, ok := in.Data.Units().Latest(*unit); !ok {
		return fmt.Errorf("không có đơn vị hành chính mã %q / no administrative unit with code %q", *unit, *unit)
	}
	in.Date, in.Lang = env.Now(), *lang
	r := report.Build(in)
	_ = live.SaveFigures() // kept for the next command over the same state (see status)

	var buf bytes.Buffer
	switch f {
	case "md":
		err = r.WriteMarkdown(&buf)
	case "html":
		err = r.WriteHTML(&buf)
	case "docx":
		err = r.WriteDOCX(&buf)
	case "xlsx":
		err = r.WriteAnnexXLSX(&buf)
	}
	if err != nil {
		return err
	}
	if *out == "" || *out == "-" {
		_, err = env.Stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("ghi tệp / write %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stderr, "Đã ghi báo cáo / report written: %s (%s, %d byte)\n", *out, f, buf.Len())
	return nil
}
