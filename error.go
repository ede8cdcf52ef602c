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
			s += fmt.Sprintf("\n  … và %d lỗi khác", len(e.Problems)-20)
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
