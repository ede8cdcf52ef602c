package web

import (
	"context"
	"net/http"

	"planwatch"
	"planwatch/rules"
	"planwatch/web/i18n"
)

// ruleSet is the compiled validation rules of the store over the index's
// catalogue (nil set when the store keeps no rules).
func (s *Server) ruleSet(ctx context.Context, snap *snapshot) (*rules.Set, []planwatch.Problem, error) {
	set, ps, _, err := s.compiledRules(ctx, snap)
	return set, ps, err
}

// checkBlocking refuses a change set that breaks a blocking validation
// rule (every write of the server passes here, from s.apply).
func (s *Server) checkBlocking(ctx context.Context, snap *snapshot, cs *planwatch.ChangeSet) error {
	if len(cs.Values) == 0 {
		return nil
	}
	set, _, err := s.ruleSet(ctx, snap)
	if err != nil {
		return err
	}
	g := rules.NewGuard(set, snap.ds)
	if ps := g.Check(cs.Values); len(ps) > 0 {
		return rules.Refusal(ps)
	}
	return nil
}

// catalogueChanged brings a change of the catalogue (sub-indicators of a
// breakdown) into the analytics index.
func (s *Server) catalogueChanged(*http.Request) { s.invalidate() }

// entryWarnings are the validation rules an entry, once stored, breaks for
// its unit and period (a blocking rule would have refused it): shown as
// warnings with the entry's confirmation.
func (s *Server) entryWarnings(ctx context.Context, lang string, snap *snapshot, values []planwatch.DataValue) []string {
	set, _, err := s.ruleSet(ctx, snap)
	if err != nil || len(values) == 0 {
		return nil
	}
	codes := map[string]bool{}
	for _, v := range values {
		codes[v.Indicator] = true
	}
	var out []string
	for _, v := range set.CheckReading(rules.Figures(snap.ds), values[0].Unit, values[0].Period, codes) {
		out = append(out, i18n.T(lang, "quality.entry_warning", v.Text(lang)))
	}
	return out
}
