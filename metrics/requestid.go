package metrics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"
)

type ctxKey struct{}

// RequestID is the id of the request being answered ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// RequestLog gives every request an id — the X-Request-Id it came with
// (a reverse proxy's) when that is a plain token of at most 64 characters,
// else a new random one — echoes it in the X-Request-Id header of the
// answer, puts it in the request's context (log lines written with it carry
// it, see ContextHandler) and logs one line per request: id, method, route,
// status, duration.
func RequestLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !token(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		inner := r.WithContext(context.WithValue(r.Context(), ctxKey{}, id))
		defer func() {
			r.Pattern = inner.Pattern // for a measuring handler around this one
			route := inner.Pattern
			if route == "" {
				route = "unmatched"
			}
			logger.LogAttrs(inner.Context(), slog.LevelInfo, "request", slog.String("method", r.Method),
				slog.String("route", route), slog.String("path", r.URL.Path), slog.Int("status", sw.Status()),
				slog.Duration("duration", time.Since(start)))
		}()
		next.ServeHTTP(sw, inner)
	})
}

func token(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// ContextHandler adds the request id of a record's context (RequestID) to
// every record logged with one, as request_id.
func ContextHandler(h slog.Handler) slog.Handler { return contextHandler{h} }

type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(as)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}
