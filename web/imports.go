package web

import (
	"context"
	"iter"
	"net/http"

	"planwatch"
	"planwatch/dhis2"
	"planwatch/exchange"
)

// importOptions are the exchange options of a file read on behalf of the
// signed-in user: the catalogue of the index, the current values of the
// store, and the choices DHIS2 clients make through parameters (mapping,
// idScheme and the other id schemes, importStrategy, atomicMode, dryRun),
// read from the query or a form alike.
func (s *Server) importOptions(r *http.Request, snap *snapshot, ref string, params func(string) string) (exchange.Options, error) {
	ctx := r.Context()
	opts := exchange.Options{Ref: ref, By: userName(ctx), Now: s.now(), Indicators: snap.ds.Indicators(),
		Units: map[string]bool{}}
	opts.SetStore(ctx, s.store)
	for _, code := range snap.ds.Units().Codes() {
		opts.Units[code] = true
	}
	var err error
	for _, name := range dhis2.SchemeParams {
		if v := params(name); v != "" {
			if err := opts.Schemes.Set(name, v); err != nil {
				return opts, planwatch.Errorf(planwatch.EINVALID, "%v", err)
			}
		}
	}
	if usesNames(opts.Schemes) {
		units, err := s.store.OrgUnits(ctx)
		if err != nil {
			return opts, err
		}
		opts.SetCatalogue(snap.inds, units)
	}
	if opts.Strategy, err = dhis2.ParseImportStrategy(params("importStrategy")); err != nil {
		return opts, planwatch.Errorf(planwatch.EINVALID, "%v", err)
	}
	if opts.Atomic, err = exchange.ParseAtomicMode(params("atomicMode")); err != nil {
		return opts, err
	}
	switch v := params("dryRun"); v {
	case "", "false", "FALSE", "False":
	case "true", "TRUE", "True":
		opts.DryRun = true
	default:
		return opts, planwatch.Errorf(planwatch.EINVALID, "dryRun %q: expected true or false", v)
	}
	// keepStoredBy=true: each value keeps the storedBy of the file, for a
	// transfer between trusted systems; administrators only (the audit still
	// names the administrator, and the storedBy: see stamp).
	switch v := params("keepStoredBy"); v {
	case "", "false":
	case "true":
		if u := userOf(ctx); u == nil || u.Role != RoleAdmin {
			return opts, planwatch.Errorf(planwatch.EFORBIDDEN, "chỉ quản trị viên được giữ storedBy của tệp / only an administrator may keep the file's storedBy")
		}
		opts.TrustStoredBy = true
	default:
		return opts, planwatch.Errorf(planwatch.EINVALID, "keepStoredBy %q: expected true or false", v)
	}
	if name := params("mapping"); name != "" {
		m, err := s.mapping(r, name)
		if err != nil {
			return opts, err
		}
		opts.Mapping = &m
	}
	return opts, nil
}

// usesNames reports whether identifiers are names, for which the unit
// names must be loaded.
func usesNames(s dhis2.IDSchemes) bool {
	return s.ID == dhis2.SchemeName || s.OrgUnit == dhis2.SchemeName || s.DataElement == dhis2.SchemeName
}

// mapping returns a stored mapping; ENOTFOUND names the ones there are.
func (s *Server) mapping(r *http.Request, name string) (planwatch.Mapping, error) {
	ms, ok := s.store.(planwatch.MappingStore)
	if !ok {
		return planwatch.Mapping{}, planwatch.Errorf(planwatch.EINVALID, "kho dữ liệu không giữ bảng ánh xạ / this store keeps no mappings")
	}
	return ms.Mapping(r.Context(), name)
}

// requestApplier applies change sets on behalf of a request: authorised,
// stamped and recorded as s.apply does.
type requestApplier struct {
	s *Server
	r *http.Request
}

func (a requestApplier) Apply(_ context.Context, cs *planwatch.ChangeSet) (planwatch.ApplyResult, error) {
	return a.s.apply(a.r, cs)
}

// ApplyStream stores a change set whose values come as a stream, as
// applyStream does.
func (a requestApplier) ApplyStream(_ context.Context, cs *planwatch.ChangeSet, values iter.Seq2[planwatch.DataValue, error]) (planwatch.ApplyResult, error) {
	return a.s.applyStream(a.r, cs, values)
}
