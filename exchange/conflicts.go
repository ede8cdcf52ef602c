package exchange

import (
	"errors"
	"fmt"
	"sort"

	"planwatch"
	"planwatch/dhis2"
)

// Conflict is one thing of a file that cannot be imported.
type Conflict struct {
	Row     int    `json:"row,omitempty"`     // 1-based line or sheet row
	Index   int    `json:"index,omitempty"`   // 0-based data value index (DHIS2 formats), -1 if none
	Element string `json:"element,omitempty"` // JSON element, or the column of a sheet or CSV
	Code    string `json:"errorCode,omitempty"`
	Object  string `json:"object"`
	Value   string `json:"value"`
	Reason  string `json:"reason"`
	// MapKind and MapID name the mapping entry that would resolve the
	// conflict, when it is a partner's id that no mapping translates.
	MapKind planwatch.MappingKind `json:"-"`
	MapID   string                `json:"-"`
}

func (c Conflict) String() string {
	where := c.Element
	if c.Row > 0 {
		where = fmt.Sprintf("dòng %d", c.Row)
		if c.Element != "" {
			where += fmt.Sprintf(", cột %q", c.Element)
		}
	}
	return fmt.Sprintf("%s: %s %q: %s", where, c.Object, c.Value, c.Reason)
}

// MaxListed is how many conflicts a terminal report prints in full; the
// others are counted by kind. Summaries and pages list up to
// planwatch.MaxProblems.
const MaxListed = 100

// maxUnmapped bounds the distinct unmapped ids a report keeps.
const maxUnmapped = 10_000

// Conflicts collects the conflicts of a file as a reader meets them, in
// memory that does not grow with the file: the first MaxListed in full, a
// count of every kind, and the distinct ids no mapping translates (the rows
// of a mapping template). It keeps the first planwatch.MaxProblems in full.
type Conflicts struct {
	List     []Conflict
	Total    int
	kinds    map[string]*ConflictKind
	Unmapped []planwatch.MappingEntry
	unmapped map[string]bool
	rows     int // rows with a conflict, counted as they come in file order
	lastRow  int
}

// ConflictKind counts the conflicts of one kind: a DHIS2 error code where
// there is one, otherwise the object (column) they concern.
type ConflictKind struct {
	Code        string `json:"errorCode,omitempty"`
	Object      string `json:"object"`
	Description string `json:"description"`
	Count       int    `json:"count"`
}

// kindNames describe the conflict codes, Vietnamese first.
var kindNames = map[string]string{
	dhis2.CodePeriod:         "kỳ thiếu hoặc không hợp lệ / period missing or not valid",
	dhis2.CodeNoDataElement:  "thiếu phần tử dữ liệu / data element missing",
	dhis2.CodeDataElement:    "phần tử dữ liệu chưa ánh xạ hoặc không rõ / data element not mapped or unknown",
	dhis2.CodeNoOrgUnit:      "thiếu đơn vị / org unit missing",
	dhis2.CodeOrgUnit:        "đơn vị chưa ánh xạ hoặc không rõ / org unit not mapped or unknown",
	dhis2.CodeCategoryCombo:  "phân tổ không hỗ trợ hoặc chưa ánh xạ / disaggregation not supported or not mapped",
	dhis2.CodeAttributeCombo: "nhóm thuộc tính không rõ / attribute option combo not mapped or unknown",
	dhis2.CodeValueRequired:  "giá trị trống / empty value",
	dhis2.CodeCommentNoValue: "ghi chú không có giá trị / comment without a value",
	dhis2.CodeValueType:      "giá trị không hợp lệ / value not valid",
	dhis2.CodeDuplicate:      "trùng / duplicate",
	dhis2.CodeUnreadable:     "dòng không đọc được / unreadable row",
	dhis2.CodeUnknownField:   "cột, thuộc tính hoặc phần tử không rõ / unknown column, attribute or element",
	dhis2.CodeFlag:           "cờ không hợp lệ (true/false) / flag not true or false",
	dhis2.CodeMixedDeletion:  "xoá một phần giá trị / part of a value deleted",
	dhis2.CodeSplitValue:     "số liệu của một giá trị bị tách / figures of one value apart",
}

// Add records one conflict.
func (c *Conflicts) Add(cf Conflict) {
	c.Total++
	if cf.Row > 0 && cf.Row != c.lastRow {
		c.rows++
		c.lastRow = cf.Row
	}
	if len(c.List) < planwatch.MaxProblems {
		c.List = append(c.List, cf)
	}
	c.count(cf, 1, kindNames[cf.Code])
	if cf.MapKind != "" {
		id := string(cf.MapKind) + "\x00" + cf.MapID
		if c.unmapped == nil {
			c.unmapped = map[string]bool{}
		}
		if !c.unmapped[id] && len(c.Unmapped) < maxUnmapped {
			c.unmapped[id] = true
			c.Unmapped = append(c.Unmapped, planwatch.MappingEntry{Kind: cf.MapKind, PartnerID: cf.MapID})
		}
	}
}

// count adds n conflicts of cf's kind.
func (c *Conflicts) count(cf Conflict, n int, description string) {
	key := cf.Code
	if key == "" {
		key = "object:" + cf.Object
	}
	if c.kinds == nil {
		c.kinds = map[string]*ConflictKind{}
	}
	k := c.kinds[key]
	if k == nil {
		k = &ConflictKind{Code: cf.Code, Object: cf.Object, Description: description}
		if k.Description == "" {
			k.Description = cf.Object
		}
		c.kinds[key] = k
	}
	k.Count += n
}

// Len is the number of conflicts recorded.
func (c *Conflicts) Len() int {
	if c == nil {
		return 0
	}
	return c.Total
}

// Rows counts the rows (values) with a conflict.
func (c *Conflicts) Rows() int {
	if c == nil {
		return 0
	}
	return c.rows
}

// Kinds lists the kinds met, the most frequent first.
func (c *Conflicts) Kinds() []ConflictKind {
	if c == nil {
		return nil
	}
	out := make([]ConflictKind, 0, len(c.kinds))
	for _, k := range c.kinds {
		out = append(out, *k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code+out[i].Object < out[j].Code+out[j].Object
	})
	return out
}

// addError records the problems of a store's refusal (EINVALID,
// ECONFLICT, EFORBIDDEN), or its message when it names none.
func (c *Conflicts) addError(err error) {
	var pe *planwatch.Error
	if errors.As(err, &pe) && len(pe.Problems) > 0 {
		c.addProblems(pe.Problems)
		return
	}
	c.Add(Conflict{Index: -1, Object: planwatch.ErrorCode(err), Reason: planwatch.ErrorMessage(err)})
}

// addProblems records the problems of an EINVALID error (a reader's or the
// store's) as conflicts.
func (c *Conflicts) addProblems(ps []planwatch.Problem) {
	for _, p := range ps {
		if p.More > 0 {
			// Problems a reader only counted: counted here too.
			c.Total += p.More
			c.count(Conflict{Object: "…"}, p.More, "lỗi khác không liệt kê / other problems, not listed")
			continue
		}
		c.Add(Conflict{Row: p.Row, Index: -1, Element: p.Column, Object: first(p.Column, "row"), Value: p.Value, Reason: p.Reason})
	}
}

func fromDHIS2(c dhis2.Conflict) Conflict {
	return Conflict{Row: c.Row, Index: c.Index, Element: c.Element, Code: c.Code, Object: c.Object, Value: c.Value,
		Reason: c.Reason, MapKind: c.MapKind, MapID: c.MapID}
}
