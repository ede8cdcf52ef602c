package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"planwatch"
)

// The audit trail is read here and nowhere changed: there is no route that
// edits or deletes an entry (and the database refuses it too).

const (
	auditPageLimit = 200
	auditMaxLimit  = 5000
)

// auditQuery reads the filters ?by=&action=&entity=&from=&to=&limit= (from
// and to are dates YYYY-MM-DD or RFC 3339 times; to is exclusive, a date
// meaning the end of that day).
func auditQuery(r *http.Request) (planwatch.AuditQuery, error) {
	q := r.URL.Query()
	aq := planwatch.AuditQuery{By: strings.TrimSpace(q.Get("by")), Action: strings.TrimSpace(q.Get("action")),
		Entity: strings.TrimSpace(q.Get("entity")), Limit: auditPageLimit}
	parse := func(name string, endOfDay bool) (time.Time, error) {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, nil
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return t, invalid("%s %q: expected YYYY-MM-DD", name, v)
		}
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	var err error
	if aq.From, err = parse("from", false); err != nil {
		return aq, err
	}
	if aq.To, err = parse("to", true); err != nil {
		return aq, err
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > auditMaxLimit {
			return aq, invalid("limit %q: expected 1 to %d", l, auditMaxLimit)
		}
		aq.Limit = n
	}
	return aq, nil
}

type auditData struct {
	Q       planwatch.AuditQuery
	From    string
	To      string
	Entries []planwatch.AuditEntry
	More    bool
}

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	aq, err := auditQuery(r)
	if err != nil {
		return err
	}
	limit := aq.Limit
	aq.Limit++
	entries, err := s.store.Audit(r.Context(), aq)
	if err != nil {
		return err
	}
	d := auditData{Q: aq, From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to")}
	if len(entries) > limit {
		entries, d.More = entries[:limit], true
	}
	d.Entries = entries
	p := s.newPage(w, r, "audit")
	p.D = d
	s.render(w, r, http.StatusOK, "audit", p)
	return nil
}

// apiAudit returns audit entries matching the filters, newest first.
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	aq, err := auditQuery(r)
	if err != nil {
		return err
	}
	entries, err := s.store.Audit(r.Context(), aq)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []planwatch.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, entries)
	return nil
}
