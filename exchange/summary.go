package exchange

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"planwatch"
)

// Import statuses, as DHIS2 names them. planwatch never imports part of a
// file, so a summary is SUCCESS (everything stored, or everything valid on a
// dry run) or ERROR (nothing stored); WARNING is kept for DHIS2 clients,
// which expect the three, and is not produced.
const (
	StatusSuccess = "SUCCESS"
	StatusWarning = "WARNING"
	StatusError   = "ERROR"
)

// Counts are DHIS2's importCount.
type Counts struct {
	Imported int `json:"imported"`
	Updated  int `json:"updated"`
	Ignored  int `json:"ignored"`
	Deleted  int `json:"deleted"`
}

// SummaryConflict is a conflict in DHIS2's JSON shape, with planwatch's row.
type SummaryConflict struct {
	Object    string `json:"object"`
	Value     string `json:"value"`
	ErrorCode string `json:"errorCode,omitempty"`
	Property  string `json:"property,omitempty"`
	Indexes   []int  `json:"indexes,omitempty"`
	Row       int    `json:"row,omitempty"`
	Reason    string `json:"reason"`
}

// Summary is an import summary shaped like DHIS2's ImportSummary, so that
// DHIS2 clients pushing to POST /api/dataValueSets understand the answer.
type Summary struct {
	ResponseType string            `json:"responseType"` // "ImportSummary"
	Status       string            `json:"status"`
	Description  string            `json:"description,omitempty"`
	DryRun       bool              `json:"dryRun,omitempty"`
	ImportCount  Counts            `json:"importCount"`
	Conflicts    []SummaryConflict `json:"conflicts,omitempty"`
}

// Summarize builds the summary of an import from what Apply returned, the
// conflicts of reading and the error of reading or applying (an EINVALID
// error's Problems become conflicts).
func Summarize(res planwatch.ApplyResult, conflicts []Conflict, err error, dryRun bool) Summary {
	s := Summary{ResponseType: "ImportSummary", Status: StatusSuccess, DryRun: dryRun,
		ImportCount: Counts{res.Imported, res.Updated, res.Ignored, res.Deleted}}
	var pe *planwatch.Error
	if errors.As(err, &pe) {
		conflicts = append(conflicts, problems(pe.Problems)...)
	}
	for _, c := range conflicts {
		sc := SummaryConflict{Object: c.Object, Value: c.Value, Property: c.Element, Row: c.Row, Reason: c.Reason}
		if c.Index >= 0 {
			sc.Indexes = []int{c.Index}
		}
		s.Conflicts = append(s.Conflicts, sc)
	}
	if err != nil || len(conflicts) > 0 {
		s.Status = StatusError
		s.ImportCount = Counts{}
		s.Description = "Không nhập gì: tệp có lỗi (nothing imported: the file has conflicts)."
		if err != nil {
			s.Description = planwatch.ErrorMessage(err) + " — không nhập gì (nothing imported)."
		}
	} else if dryRun {
		s.Description = "Chạy thử: không lưu gì (dry run: nothing stored)."
	}
	return s
}

// WriteText prints a summary for the terminal.
func (s Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", s.Status)
	if s.DryRun {
		b.WriteString(" (dry run)")
	}
	fmt.Fprintf(&b, ": imported %d, updated %d, ignored %d, deleted %d\n",
		s.ImportCount.Imported, s.ImportCount.Updated, s.ImportCount.Ignored, s.ImportCount.Deleted)
	if s.Description != "" {
		fmt.Fprintln(&b, s.Description)
	}
	for _, c := range s.Conflicts {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String names the line and column of the conflict, then what is wrong.
func (c SummaryConflict) String() string {
	where := ""
	if c.Row > 0 {
		where = fmt.Sprintf("dòng %d", c.Row)
	}
	if c.Property != "" {
		if where != "" {
			where += ", "
		}
		where += fmt.Sprintf("cột %q", c.Property)
	}
	if where != "" {
		where += ": "
	}
	return fmt.Sprintf("%s%s %q: %s", where, c.Object, c.Value, c.Reason)
}
