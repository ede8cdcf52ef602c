package exchange

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"planwatch"
)

// Import statuses, as DHIS2 names them: SUCCESS (everything stored, or
// everything valid on a dry run), WARNING (atomicMode=NONE: the valid part
// stored, the rest refused) or ERROR (nothing stored).
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
// Conflicts lists the first planwatch.MaxProblems; ConflictCount and
// ConflictKinds count them all; Unmapped lists the partner ids no mapping translates, the rows
// of a mapping template.
type Summary struct {
	ResponseType  string                   `json:"responseType"` // "ImportSummary"
	Status        string                   `json:"status"`
	Description   string                   `json:"description,omitempty"`
	DryRun        bool                     `json:"dryRun,omitempty"`
	ImportCount   Counts                   `json:"importCount"`
	Conflicts     []SummaryConflict        `json:"conflicts,omitempty"`
	ConflictCount int                      `json:"conflictCount,omitempty"`
	ConflictKinds []ConflictKind           `json:"conflictKinds,omitempty"`
	Unmapped      []planwatch.MappingEntry `json:"unmapped,omitempty"`
}

// Summarize builds the summary of an import from what Apply returned, the
// conflicts of reading, and the error of reading or applying (an EINVALID
// error's Problems become conflicts). A summary with conflicts or an error
// is ERROR with nothing counted; the caller turns it into WARNING when part
// was stored (atomicMode=NONE).
func Summarize(res planwatch.ApplyResult, conflicts *Conflicts, err error, dryRun bool) Summary {
	s := Summary{ResponseType: "ImportSummary", Status: StatusSuccess, DryRun: dryRun,
		ImportCount: Counts{res.Imported, res.Updated, res.Ignored, res.Deleted}}
	all := conflicts
	if err != nil {
		all = &Conflicts{}
		if conflicts != nil {
			*all = *conflicts
			all.List = append([]Conflict(nil), conflicts.List...)
			all.kinds = map[string]*ConflictKind{}
			for k, v := range conflicts.kinds {
				c := *v
				all.kinds[k] = &c
			}
		}
		var pe *planwatch.Error
		if errors.As(err, &pe) && len(pe.Problems) > 0 {
			all.addProblems(pe.Problems)
		}
	}
	for _, c := range all.listed() {
		sc := SummaryConflict{Object: c.Object, Value: c.Value, ErrorCode: c.Code, Property: c.Element, Row: c.Row, Reason: c.Reason}
		if c.Index >= 0 {
			sc.Indexes = []int{c.Index}
		}
		s.Conflicts = append(s.Conflicts, sc)
	}
	if n := all.Len(); n > 0 {
		s.ConflictCount, s.ConflictKinds, s.Unmapped = n, all.Kinds(), all.Unmapped
	}
	if err != nil || all.Len() > 0 {
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

func (c *Conflicts) listed() []Conflict {
	if c == nil {
		return nil
	}
	return c.List
}

// WriteText prints a summary for the terminal, once: the counts, the
// conflicts by kind, the first MaxListed with their line and column, and
// the ids to map.
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
	if s.ConflictCount > 0 {
		fmt.Fprintf(&b, "%d lỗi theo loại / conflicts by kind:\n", s.ConflictCount)
		for _, k := range s.ConflictKinds {
			code := k.Code
			if code == "" {
				code = "-"
			}
			fmt.Fprintf(&b, "  %7d  %-5s %s\n", k.Count, code, k.Description)
		}
		if min(len(s.Conflicts), MaxListed) < s.ConflictCount {
			fmt.Fprintf(&b, "%d lỗi đầu tiên / the first %d:\n", min(len(s.Conflicts), MaxListed), min(len(s.Conflicts), MaxListed))
		}
	}
	listed := s.Conflicts[:min(len(s.Conflicts), MaxListed)]
	for _, c := range listed {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	if n := len(listed); n < s.ConflictCount {
		fmt.Fprintf(&b, "  … và %d lỗi khác (đếm ở trên) / and %d more (counted above)\n", s.ConflictCount-n, s.ConflictCount-n)
	}
	if len(s.Unmapped) > 0 {
		fmt.Fprintf(&b, "%d mã chưa ánh xạ / ids not mapped (planwatch mapping template … writes a file to fill in):\n", len(s.Unmapped))
		for i, u := range s.Unmapped {
			if i == 20 {
				fmt.Fprintf(&b, "  … %d more\n", len(s.Unmapped)-i)
				break
			}
			fmt.Fprintf(&b, "  %s %s\n", u.Kind, u.PartnerID)
		}
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
