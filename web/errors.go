package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"planwatch"
)

// statusOf maps error codes to HTTP statuses: the one place where this is decided.
func statusOf(code string) int {
	switch code {
	case planwatch.EINVALID:
		return http.StatusUnprocessableEntity
	case planwatch.ENOTFOUND:
		return http.StatusNotFound
	case planwatch.ECONFLICT:
		return http.StatusConflict
	case planwatch.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case planwatch.EFORBIDDEN:
		return http.StatusForbidden
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// apiError is the JSON body of every API error.
type apiError struct {
	Code     string              `json:"code"`
	Message  string              `json:"message"`
	Problems []planwatch.Problem `json:"problems,omitempty"`
}

func errorBody(err error) apiError {
	e := apiError{Code: planwatch.ErrorCode(err), Message: planwatch.ErrorMessage(err)}
	var pe *planwatch.Error
	if errors.As(err, &pe) {
		e.Problems = pe.Problems
	}
	return e
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// fail answers with the error: JSON for the API, an error page otherwise.
// Internal errors are logged and shown without detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := planwatch.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if wantsJSON(r) {
		writeJSON(w, status, errorBody(err))
		return
	}
	p := s.newPage(w, r, "error")
	p.Status = status
	p.Err = errorBody(err)
	s.render(w, r, status, "error", p)
}

// writeJSON encodes v before writing anything, so that an encoding error
// still gives a well-formed JSON error.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(apiError{Code: planwatch.EINTERNAL, Message: planwatch.ErrorMessage(err)})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func notFound(format string, args ...any) error {
	return planwatch.Errorf(planwatch.ENOTFOUND, format, args...)
}

func invalid(format string, args ...any) error {
	return planwatch.Errorf(planwatch.EINVALID, format, args...)
}
