package planwatch

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps them to HTTP statuses in one place.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
)

// Error is the one error type of the domain. Message is safe to show to users.
type Error struct {
	Code    string
	Message string
	// Problems lists every individual problem (row, column, reason) of a
	// rejected import or form, so that a user can fix them all at once.
	Problems []Problem
}

// Problem names one bad cell, line or sentence of an input.
type Problem struct {
	Row    int    `json:"row,omitempty"`    // 1-based line or row number; 0 if not applicable
	Column string `json:"column,omitempty"` // column or field name
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
	// More, when not zero, makes this the last problem of a capped list: it
	// stands for More problems that were counted but not kept (AddProblem).
	More int `json:"more,omitempty"`
}

// MaxProblems bounds the problems kept for one input: a file of millions of
// bad rows must cost neither memory nor a reply of megabytes. Past it,
// problems are only counted.
const MaxProblems = 1000

// AddProblem appends p to ps, or, once ps holds MaxProblems, counts it in a
// last problem whose More says how many were not kept.
func AddProblem(ps []Problem, p Problem) []Problem {
	if len(ps) < MaxProblems {
		return append(ps, p)
	}
	if len(ps) == MaxProblems {
		ps = append(ps, Problem{})
	}
	last := &ps[len(ps)-1]
	last.More++
	last.Reason = fmt.Sprintf("… và %d lỗi khác không liệt kê / %d more problems not listed", last.More, last.More)
	return ps
}

// CountProblems is how many problems ps stands for, those only counted included.
func CountProblems(ps []Problem) int {
	if n := len(ps); n > 0 && ps[n-1].More > 0 {
		return n - 1 + ps[n-1].More
	}
	return len(ps)
}

func (p Problem) String() string {
	s := ""
	if p.Row > 0 {
		s += fmt.Sprintf("dòng %d", p.Row)
	}
	if p.Column != "" {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("cột %q", p.Column)
	}
	if p.Value != "" {
		s += fmt.Sprintf(" (giá trị %q)", p.Value)
	}
	if s != "" {
		s += ": "
	}
	return s + p.Reason
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return e.Message
	}
	s := e.Message
	for i, p := range e.Problems {
		if i == 20 {
			s += fmt.Sprintf("\n  … và %d lỗi khác", CountProblems(e.Problems)-20)
			break
		}
		s += "\n  " + p.String()
	}
	return s
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors are
// not shown in detail.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Lỗi nội bộ / internal error."
}
