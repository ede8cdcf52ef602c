package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"planwatch"
	"planwatch/report"
)

// cmdNote records sector notes (ghi chú theo lĩnh vực) for the report:
//
//	planwatch note add --unit 20 --period 2022Q1 --sector "Thương mại, dịch vụ" --text "…"
//	planwatch note list --unit 20 --period 2022Q1
//	planwatch note import notes.csv   (columns: unit, period, sector, text)
func cmdNote(ctx context.Context, env *Env, args []string) error {
	sub, rest, err := noteSubcommand("note", args)
	if err != nil {
		return err
	}
	fs, db := storeFlags(env, "note "+sub)
	by := fs.String("by", "", "người ghi / recorded by (mặc định $USER)")
	unit := fs.String("unit", "", "mã đơn vị hành chính / GSO unit code")
	period := fs.String("period", "", "kỳ báo cáo / period id")
	sector := fs.String("sector", "", "lĩnh vực (theo danh mục hoặc mục báo cáo) / sector or report section")
	text := fs.String("text", "", "nội dung / text")
	format := fs.String("format", "table", "table | json (list)")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	switch sub {
	case "add":
		if fs.NArg() > 0 {
			return fmt.Errorf("đối số thừa / unexpected arguments: %s", strings.Join(fs.Args(), " "))
		}
		n, err := makeNote(*unit, *period, *sector, *text)
		if err != nil {
			return err
		}
		return applyNotesTasks(ctx, env, *db, *by, "cli", []planwatch.Note{n}, nil)
	case "import":
		if fs.NArg() != 1 {
			return fmt.Errorf("cần đúng một tệp CSV / exactly one CSV file is required")
		}
		notes, err := importCSV(fs.Arg(0), []string{"unit", "period", "sector", "text"}, func(r noteCSVRow) (planwatch.Note, error) {
			return makeNote(r.get("unit"), r.get("period"), r.get("sector"), r.get("text"))
		})
		if err != nil {
			return err
		}
		return applyNotesTasks(ctx, env, *db, *by, fs.Arg(0), notes, nil)
	default: // list
		s, p, err := openForPeriod(ctx, env, *db, *unit, *period)
		if err != nil {
			return err
		}
		defer s.Close()
		notes, err := s.Notes(ctx, *unit, p)
		if err != nil {
			return err
		}
		return writeNoteList(env.Stdout, *format, notes, "ID\tKỳ\tLĩnh vực\tNội dung\tNgười ghi", func(n planwatch.Note) string {
			return fmt.Sprintf("%d\t%s\t%s\t%s\t%s", n.ID, n.Period.ID(), n.Sector, n.Text, n.By)
		})
	}
}

// cmdTask records priority tasks (nhiệm vụ trọng tâm) for a coming period:
//
//	planwatch task add --unit 20 --due 2022Q2 --owner "Sở Công Thương" --text "…" [--indicators a,b] [--sector S]
//	planwatch task list --unit 20 --period 2022   (tasks due in that year)
//	planwatch task import tasks.csv   (columns: unit, due, sector, owner, text, indicators, status)
func cmdTask(ctx context.Context, env *Env, args []string) error {
	sub, rest, err := noteSubcommand("task", args)
	if err != nil {
		return err
	}
	fs, db := storeFlags(env, "task "+sub)
	by := fs.String("by", "", "người ghi / recorded by (mặc định $USER)")
	unit := fs.String("unit", "", "mã đơn vị hành chính / GSO unit code")
	due := fs.String("due", "", "kỳ thực hiện / period the task is due in (e.g. 2022Q2)")
	period := fs.String("period", "", "năm hoặc kỳ để liệt kê / year or period to list")
	sector := fs.String("sector", "", "lĩnh vực / sector or report section")
	owner := fs.String("owner", "", "cơ quan chủ trì / responsible agency")
	text := fs.String("text", "", "nội dung / text")
	inds := fs.String("indicators", "", "mã chỉ tiêu, cách nhau bởi dấu phẩy / indicator codes, comma-separated")
	status := fs.String("status", "open", "open | in_progress | done | dropped")
	format := fs.String("format", "table", "table | json (list)")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	switch sub {
	case "add":
		if fs.NArg() > 0 {
			return fmt.Errorf("đối số thừa / unexpected arguments: %s", strings.Join(fs.Args(), " "))
		}
		t, err := makeTask(*unit, *due, *sector, *owner, *text, *inds, *status)
		if err != nil {
			return err
		}
		return applyNotesTasks(ctx, env, *db, *by, "cli", nil, []planwatch.Task{t})
	case "import":
		if fs.NArg() != 1 {
			return fmt.Errorf("cần đúng một tệp CSV / exactly one CSV file is required")
		}
		tasks, err := importCSV(fs.Arg(0), []string{"unit", "due", "text"}, func(r noteCSVRow) (planwatch.Task, error) {
			st := r.get("status")
			if st == "" {
				st = "open"
			}
			return makeTask(r.get("unit"), r.get("due"), r.get("sector"), r.get("owner"), r.get("text"), r.get("indicators"), st)
		})
		if err != nil {
			return err
		}
		return applyNotesTasks(ctx, env, *db, *by, fs.Arg(0), nil, tasks)
	default: // list
		s, p, err := openForPeriod(ctx, env, *db, *unit, *period)
		if err != nil {
			return err
		}
		defer s.Close()
		tasks, err := s.Tasks(ctx, *unit, p)
		if err != nil {
			return err
		}
		return writeNoteList(env.Stdout, *format, tasks, "ID\tHạn\tTrạng thái\tChủ trì\tNội dung\tChỉ tiêu", func(t planwatch.Task) string {
			return fmt.Sprintf("%d\t%s\t%s\t%s\t%s\t%s", t.ID, t.Due.ID(), t.Status, t.Owner, t.Text, strings.Join(t.Indicators, ","))
		})
	}
}

// noteSubcommand splits "add|list|import" off the arguments.
func noteSubcommand(cmd string, args []string) (string, []string, error) {
	if len(args) == 0 {
		return "", nil, fmt.Errorf("cách dùng / usage: planwatch %s add|list|import …", cmd)
	}
	switch args[0] {
	case "add", "list", "import":
		return args[0], args[1:], nil
	}
	return "", nil, fmt.Errorf("lệnh con không rõ / unknown subcommand %q: add, list or import", args[0])
}

func makeNote(unit, period, sector, text string) (planwatch.Note, error) {
	unit, sector, text = strings.TrimSpace(unit), strings.TrimSpace(sector), strings.TrimSpace(text)
	switch {
	case unit == "":
		return planwatch.Note{}, fmt.Errorf("cần mã đơn vị (unit) / unit is required")
	case text == "":
		return planwatch.Note{}, fmt.Errorf("cần nội dung (text) / text is required")
	}
	p, err := planwatch.ParsePeriod(period)
	if err != nil {
		return planwatch.Note{}, err
	}
	if err := checkSector(sector); err != nil {
		return planwatch.Note{}, err
	}
	return planwatch.Note{Unit: unit, Period: p, Sector: sector, Text: text}, nil
}

func makeTask(unit, due, sector, owner, text, inds, status string) (planwatch.Task, error) {
	unit, text = strings.TrimSpace(unit), strings.TrimSpace(text)
	switch {
	case unit == "":
		return planwatch.Task{}, fmt.Errorf("cần mã đơn vị (unit) / unit is required")
	case text == "":
		return planwatch.Task{}, fmt.Errorf("cần nội dung (text) / text is required")
	}
	p, err := planwatch.ParsePeriod(due)
	if err != nil {
		return planwatch.Task{}, fmt.Errorf("due: %w", err)
	}
	if sector = strings.TrimSpace(sector); sector != "" {
		if err := checkSector(sector); err != nil {
			return planwatch.Task{}, err
		}
	}
	st := planwatch.TaskStatus(strings.TrimSpace(status))
	switch st {
	case planwatch.TaskOpen, planwatch.TaskInProgress, planwatch.TaskDone, planwatch.TaskDropped:
	default:
		return planwatch.Task{}, fmt.Errorf("trạng thái %q không hợp lệ / status must be open, in_progress, done or dropped", status)
	}
	var codes []string
	for _, c := range strings.Split(inds, ",") {
		if c = strings.TrimSpace(c); c != "" {
			codes = append(codes, c)
		}
	}
	return planwatch.Task{Unit: unit, Due: p, Sector: sector, Owner: strings.TrimSpace(owner), Text: text, Status: st, Indicators: codes}, nil
}

// checkSector accepts a catalogue sector or a report section, so that the
// note lands in a section of the report.
func checkSector(sector string) error {
	if sector == "" {
		return fmt.Errorf("cần lĩnh vực (sector) / sector is required")
	}
	if _, ok := report.SectionFor(sector); ok {
		return nil
	}
	var ids []string
	for _, s := range report.SectionIDs() {
		ids = append(ids, s[0])
	}
	return fmt.Errorf("lĩnh vực %q không có trong danh mục / unknown sector: give a catalogue sector (e.g. \"Thương mại, dịch vụ\") or a report section: %s",
		sector, strings.Join(ids, ", "))
}

// applyNotesTasks stores notes and tasks in one change set.
func applyNotesTasks(ctx context.Context, env *Env, db, by, from string, notes []planwatch.Note, tasks []planwatch.Task) error {
	s, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer s.Close()
	who := user(env, by)
	now := env.Now()
	for i := range notes {
		notes[i].By, notes[i].At = who, now
	}
	for i := range tasks {
		tasks[i].By, tasks[i].At = who, now
	}
	res, err := s.Apply(ctx, &planwatch.ChangeSet{By: who, From: from, Notes: notes, Tasks: tasks})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã ghi / recorded: %d mới, %d cập nhật, %d không đổi\n", res.Imported, res.Updated, res.Ignored)
	return nil
}

// noteCSVRow is a data row of a CSV file, by column name.
type noteCSVRow struct {
	line int
	cols map[string]string
}

func (r noteCSVRow) get(col string) string { return r.cols[col] }

// readNoteCSV reads a UTF-8 CSV file with a header row naming at least the
// required columns.
func readNoteCSV(path string, required []string) ([]noteCSVRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: đọc tiêu đề / reading the header: %w", path, err)
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		idx[h] = i
	}
	for _, c := range required {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("%s: thiếu cột %q / missing column %q (header: %s)", path, c, c, strings.Join(header, ","))
		}
	}
	var rows []noteCSVRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r := noteCSVRow{line: line, cols: map[string]string{}}
		empty := true
		for name, i := range idx {
			if i < len(rec) {
				r.cols[name] = strings.TrimSpace(rec[i])
				empty = empty && r.cols[name] == ""
			}
		}
		if !empty {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// importCSV reads the CSV file path (see readNoteCSV) and makes an item of
// every row with item; any bad row fails the whole file, naming each line.
func importCSV[T any](path string, required []string, item func(noteCSVRow) (T, error)) ([]T, error) {
	rows, err := readNoteCSV(path, required)
	if err != nil {
		return nil, err
	}
	var items []T
	var errs []error
	for _, r := range rows {
		it, err := item(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s dòng %d / line %d: %w", path, r.line, r.line, err))
			continue
		}
		items = append(items, it)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("không nhập gì / nothing imported:\n%w", err)
	}
	return items, nil
}

// writeNoteList writes the items of a list subcommand as JSON (--format
// json) or as a table: the tab-separated header, then line(item) for each.
func writeNoteList[T any](w io.Writer, format string, items []T, header string, line func(T) string) error {
	if format == "json" {
		return printJSON(w, items)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, it := range items {
		fmt.Fprintln(tw, line(it))
	}
	return tw.Flush()
}
