package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"planwatch"
	"planwatch/catalogue"
	"planwatch/web/i18n"
)

// The catalogue pages (issue 13, parts 1, 4 and 7): administrators add,
// edit and retire indicators, with each one's version history; planners
// set the indicators each unit monitors in a year and name groups of units.
// Every change goes through applyCatalogue: the one policy
// (authorizeCatalogue), who and from where the server's, the store's
// checks, then the analytics index follows.

// catalogueRoutes are the routes of the catalogue pages and API.
func (s *Server) catalogueRoutes() []route {
	h := s.handle
	return []route{
		{"GET /catalogue", AccessAdmin, h(s.handleCatalogue)},
		{"GET /catalogue/export", AccessAdmin, h(s.handleCatalogueExport)},
		{"POST /catalogue", AccessAdmin, h(s.postIndicator)},
		{"POST /catalogue/retire", AccessAdmin, h(s.postRetire)},
		{"POST /catalogue/import", AccessAdmin, h(s.postCatalogueImport)},
		{"GET /sets", AccessPlan, h(s.handleSets)},
		{"POST /sets", AccessPlan, h(s.postSet)},
		{"GET /groups", AccessPlan, h(s.handleGroups)},
		{"POST /groups", AccessPlan, h(s.postGroup)},

		{"GET /api/indicators/{code}/versions", AccessPlan, h(s.apiIndicatorVersions)},
		{"GET /api/indicator-sets", AccessRead, h(s.apiIndicatorSets)},
		{"GET /api/unit-groups", AccessRead, h(s.apiUnitGroups)},
		{"POST /api/catalogue", AccessPlan, h(s.apiPostCatalogue)},
		{"GET /api/unit-groups/{code}/report/{period}", AccessRead, h(s.apiGroupReport)},
	}
}

func (s *Server) catalogueEditor() (planwatch.CatalogueEditor, error) {
	ce, ok := s.store.(planwatch.CatalogueEditor)
	if !ok {
		return nil, planwatch.Errorf(planwatch.ENOTFOUND, "kho dữ liệu không quản lý danh mục / this store does not manage a catalogue")
	}
	return ce, nil
}

// applyCatalogue is where every web change of the catalogue is stored: it
// asks the policy (authorizeCatalogue), makes who and from where the
// server's, stores the change and brings the analytics index up to date.
func (s *Server) applyCatalogue(r *http.Request, c *planwatch.CatalogueChange) (planwatch.CatalogueResult, error) {
	ce, err := s.catalogueEditor()
	if err != nil {
		return planwatch.CatalogueResult{}, err
	}
	ctx := r.Context()
	if err := authorizeCatalogue(userOf(ctx), c); err != nil {
		return planwatch.CatalogueResult{}, err
	}
	c.By, c.From = userName(ctx), s.clientIP(r)
	res, err := ce.ApplyCatalogue(ctx, c)
	if err == nil && !c.DryRun {
		s.patch(ctx, nil)
	}
	return res, err
}

// storedSets reads every indicator set (for a snapshot: sets change with
// the store's change number, and so does the snapshot).
func (s *Server) storedSets() ([]planwatch.IndicatorSet, error) {
	ce, ok := s.store.(planwatch.CatalogueEditor)
	if !ok {
		return nil, nil
	}
	return ce.IndicatorSets(context.Background(), "", 0)
}

// setOf is the indicator set of a unit for a year, nil when it has none
// (then it monitors every indicator not retired).
func (snap *snapshot) setOf(unit string, year int) *planwatch.IndicatorSet {
	snap.setsOnce.Do(func() {
		snap.sets = map[string]*planwatch.IndicatorSet{}
		if snap.setsOf == nil {
			return
		}
		sets, err := snap.setsOf()
		if err != nil {
			return // as without sets: every indicator shows
		}
		for i := range sets {
			snap.sets[sets[i].Unit+"/"+strconv.Itoa(sets[i].Year)] = &sets[i]
		}
	})
	return snap.sets[unit+"/"+strconv.Itoa(year)]
}

// monitors reports whether a unit monitors an indicator in a year: the
// dashboard, entry forms, workbook, completeness and report show only these.
func (snap *snapshot) monitors(unit string, year int, ind *planwatch.Indicator) bool {
	return planwatch.Monitors(snap.setOf(unit, year), ind)
}

// catalogueData is what the indicators page shows.
type catalogueData struct {
	Indicators []planwatch.Indicator
	Edit       planwatch.Indicator // the form: an indicator to edit, or the one sent and refused
	Editing    bool                // Edit is a stored indicator
	History    []versionRow        // of Edit
	Convert    string              // the conversion factor sent
	Note       string
	Kinds      []string
	TimeAggs   []string
	UnitAggs   []string
	Periods    []string
}

type versionRow struct {
	planwatch.IndicatorVersion
	Changes string
}

func (s *Server) renderCatalogue(w http.ResponseWriter, r *http.Request, status int, d catalogueData, flash string, err error) error {
	p := s.newPage(w, r, "catalogue")
	if status, err = p.outcome(status, flash, err); err != nil {
		return err
	}
	inds, err := s.store.Indicators(r.Context())
	if err != nil {
		return err
	}
	d.Indicators = inds
	for _, k := range planwatch.Kinds {
		d.Kinds = append(d.Kinds, string(k))
	}
	d.TimeAggs = []string{"sum", "last", "avg", "none"}
	d.UnitAggs = []string{"sum", "avg", "ratio", "none"}
	d.Periods = []string{"month", "quarter", "half", "year"}
	if d.Editing && d.Edit.Code != "" {
		ce, cerr := s.catalogueEditor()
		if cerr != nil {
			return cerr
		}
		h, herr := ce.IndicatorHistory(r.Context(), d.Edit.Code)
		if herr != nil {
			return herr
		}
		for i := len(h) - 1; i >= 0; i-- {
			row := versionRow{IndicatorVersion: h[i]}
			if i > 0 {
				row.Changes = strings.Join(indicatorChanges(&h[i-1].Indicator, &h[i].Indicator), "; ")
			}
			d.History = append(d.History, row)
		}
	}
	p.D = d
	s.render(w, r, status, "catalogue", p)
	return nil
}

// indicatorChanges names the fields that differ between two versions, as
// the catalogue file names its columns.
func indicatorChanges(a, b *planwatch.Indicator) []string {
	var fa, fb bytes.Buffer
	catalogue.WriteIndicators(&fa, []planwatch.Indicator{*a})
	catalogue.WriteIndicators(&fb, []planwatch.Indicator{*b})
	ra := strings.Split(strings.TrimSpace(strings.SplitN(fa.String(), "\n", 2)[1]), ",")
	rb := strings.Split(strings.TrimSpace(strings.SplitN(fb.String(), "\n", 2)[1]), ",")
	var out []string
	for i, col := range catalogue.IndicatorColumns {
		if i < len(ra) && i < len(rb) && ra[i] != rb[i] {
			out = append(out, col+": "+ra[i]+" → "+rb[i])
		}
	}
	if len(out) == 0 && *a != *b {
		out = append(out, "…")
	}
	return out
}

func (s *Server) handleCatalogue(w http.ResponseWriter, r *http.Request) error {
	d := catalogueData{}
	if code := r.URL.Query().Get("edit"); code != "" {
		snap, err := s.snapshot(r.Context())
		if err != nil {
			return err
		}
		ind, ok := snap.ds.Indicators()[code]
		if !ok {
			return notFound("không có chỉ tiêu %s / no indicator %s", code, code)
		}
		d.Edit, d.Editing = ind, true
	}
	return s.renderCatalogue(w, r, http.StatusOK, d, "", nil)
}

// postIndicator adds or changes one indicator from the form.
func (s *Server) postIndicator(w http.ResponseWriter, r *http.Request) error {
	ind, problems := catalogue.IndicatorOf(func(col string) string {
		if col == "aggregation" {
			col = "time_agg"
		}
		return strings.TrimSpace(r.PostFormValue(col))
	})
	d := catalogueData{Edit: ind, Editing: r.PostFormValue("editing") == "1", Convert: r.PostFormValue("convert"), Note: r.PostFormValue("note")}
	if len(problems) > 0 {
		return s.renderCatalogue(w, r, 0, d, "", &planwatch.Error{Code: planwatch.EINVALID, Message: problems[0].Reason, Problems: problems})
	}
	c := &planwatch.CatalogueChange{Note: d.Note, Indicators: []planwatch.Indicator{ind}}
	if d.Convert != "" {
		f, err := strconv.ParseFloat(strings.ReplaceAll(d.Convert, ",", "."), 64)
		if err != nil || !(f > 0) {
			return s.renderCatalogue(w, r, 0, d, "", invalid("hệ số quy đổi phải là số dương / the conversion factor must be a positive number"))
		}
		c.Convert = map[string]float64{ind.Code: f}
	}
	res, err := s.applyCatalogue(r, c)
	if err != nil {
		return s.renderCatalogue(w, r, 0, d, "", err)
	}
	d = catalogueData{Edit: ind, Editing: true}
	return s.renderCatalogue(w, r, http.StatusOK, d, i18n.T(langOf(w, r), "catalogue.saved", ind.Code, res.Indicators, res.Converted.Updated), nil)
}

// postRetire retires an indicator (its data stay) or brings it back.
func (s *Server) postRetire(w http.ResponseWriter, r *http.Request) error {
	code := r.PostFormValue("code")
	inds, err := s.store.Indicators(r.Context())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(inds, func(ind planwatch.Indicator) bool { return ind.Code == code })
	if i < 0 {
		return notFound("không có chỉ tiêu %s / no indicator %s", code, code)
	}
	ind := inds[i]
	ind.Retired = r.PostFormValue("retired") == "1"
	if _, err := s.applyCatalogue(r, &planwatch.CatalogueChange{Note: r.PostFormValue("note"), Indicators: []planwatch.Indicator{ind}}); err != nil {
		return s.renderCatalogue(w, r, 0, catalogueData{}, "", err)
	}
	key := "catalogue.restored"
	if ind.Retired {
		key = "catalogue.retired_done"
	}
	return s.renderCatalogue(w, r, http.StatusOK, catalogueData{}, i18n.T(langOf(w, r), key, code), nil)
}

// postCatalogueImport takes a catalogue file: all of it or nothing, every
// bad row named by its line.
func (s *Server) postCatalogueImport(w http.ResponseWriter, r *http.Request) error {
	name, data, err := readUploaded(r)
	if err != nil {
		return s.renderCatalogue(w, r, 0, catalogueData{}, "", err)
	}
	inds, lines, err := catalogue.ReadIndicators(bytes.NewReader(data))
	if err != nil {
		return s.renderCatalogue(w, r, 0, catalogueData{}, "", err)
	}
	res, err := s.applyCatalogue(r, &planwatch.CatalogueChange{Note: r.PostFormValue("note") + " (" + name + ")", Indicators: inds})
	if err != nil {
		return s.renderCatalogue(w, r, 0, catalogueData{}, "", catalogue.Remap(err, lines))
	}
	return s.renderCatalogue(w, r, http.StatusOK, catalogueData{}, i18n.T(langOf(w, r), "catalogue.imported", name, res.Indicators), nil)
}

// handleCatalogueExport downloads the catalogue as the file the import takes.
func (s *Server) handleCatalogueExport(w http.ResponseWriter, r *http.Request) error {
	inds, err := s.store.Indicators(r.Context())
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := catalogue.WriteIndicators(&b, inds); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="catalogue.csv"`)
	_, err = w.Write(b.Bytes())
	return err
}

// setsData is what the indicator sets page shows: the set of one unit and
// year, as checkboxes over the catalogue.
type setsData struct {
	Unit      string
	Year      int
	Years     []int
	Set       *planwatch.IndicatorSet
	Source    string
	Rows      []setRow
	AllSets   []planwatch.IndicatorSet
	UnitNames map[string]string
}

type setRow struct {
	Indicator planwatch.Indicator
	Checked   bool
	Kinds     string
}

func (s *Server) renderSets(w http.ResponseWriter, r *http.Request, status int, unit string, year int, flash string, err error) error {
	p := s.newPage(w, r, "sets")
	snap, serr := s.snapshot(r.Context())
	if serr != nil {
		return serr
	}
	if status, err = p.outcome(status, flash, err); err != nil {
		return err
	}
	if unit == "" {
		unit = snap.defUnit
	}
	if year == 0 {
		year = snap.defPeriod().Year
	}
	ce, cerr := s.catalogueEditor()
	if cerr != nil {
		return cerr
	}
	all, cerr := ce.IndicatorSets(r.Context(), "", 0)
	if cerr != nil {
		return cerr
	}
	d := setsData{Unit: unit, Year: year, AllSets: all, UnitNames: map[string]string{}}
	for y := year + 1; y >= year-4; y-- {
		d.Years = append(d.Years, y)
	}
	for _, set := range all {
		d.UnitNames[set.Unit] = unitLabel(p.Lang, set.Unit)
		if set.Unit == unit && set.Year == year {
			d.Set = &set
			d.Source = set.Source
		}
	}
	for _, ind := range snap.inds {
		if ind.Retired {
			continue
		}
		row := setRow{Indicator: ind}
		if d.Set != nil {
			if i := slices.IndexFunc(d.Set.Items, func(it planwatch.SetItem) bool { return it.Indicator == ind.Code }); i >= 0 {
				row.Checked, row.Kinds = true, planwatch.JoinTargetKinds(d.Set.Items[i].TargetKinds)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	p.Unit, p.Units = unit, s.unitChoices(p.Lang, snap)
	p.D = d
	s.render(w, r, status, "sets", p)
	return nil
}

// unitChoices are the units a page's unit select offers: the provinces and
// the units under the default one.
func (s *Server) unitChoices(lang string, snap *snapshot) []option {
	var out []option
	for _, code := range snap.ds.Units().Codes() {
		if u, ok := snap.ds.Units().Latest(code); ok && u.Level <= planwatch.LevelDistrict {
			out = append(out, option{code, code + " " + unitLabel(lang, code)})
		}
	}
	return out
}

func (s *Server) handleSets(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	return s.renderSets(w, r, http.StatusOK, r.URL.Query().Get("unit"), year, "", nil)
}

// postSet replaces the set of a unit and year with the checked indicators
// (none checked: the set is removed, the unit monitors everything), or
// takes a sets file.
func (s *Server) postSet(w http.ResponseWriter, r *http.Request) error {
	unit := strings.TrimSpace(r.PostFormValue("unit"))
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	var c planwatch.CatalogueChange
	var lines []int
	if isMultipart(r) && r.MultipartForm != nil && len(r.MultipartForm.File["file"]) > 0 {
		_, data, err := readUploaded(r)
		if err == nil {
			c.Sets, lines, err = catalogue.ReadSets(bytes.NewReader(data))
		}
		if err != nil {
			return s.renderSets(w, r, 0, unit, year, "", err)
		}
	} else {
		set := planwatch.IndicatorSet{Unit: unit, Year: year, Source: strings.TrimSpace(r.PostFormValue("source"))}
		var problems []planwatch.Problem
		for _, code := range r.PostForm["indicator"] {
			kinds, err := planwatch.ParseTargetKinds(r.PostFormValue("kinds." + code))
			if err != nil {
				problems = append(problems, planwatch.Problem{Column: "target_kinds", Value: code, Reason: planwatch.ErrorMessage(err)})
			}
			set.Items = append(set.Items, planwatch.SetItem{Indicator: code, TargetKinds: kinds})
		}
		if len(problems) > 0 {
			return s.renderSets(w, r, 0, unit, year, "", &planwatch.Error{Code: planwatch.EINVALID, Message: problems[0].Reason, Problems: problems})
		}
		c.Sets = []planwatch.IndicatorSet{set}
	}
	c.Note = r.PostFormValue("note")
	res, err := s.applyCatalogue(r, &c)
	if err != nil {
		return s.renderSets(w, r, 0, unit, year, "", catalogue.Remap(err, lines))
	}
	return s.renderSets(w, r, http.StatusOK, unit, year, i18n.T(langOf(w, r), "sets.saved", res.Sets), nil)
}

// groupsData is what the unit groups page shows.
type groupsData struct {
	Groups []groupRow
	Form   planwatch.UnitGroup
	Units  string // the form's units, comma-separated
}

type groupRow struct {
	planwatch.UnitGroup
	Names string
}

func (s *Server) renderGroups(w http.ResponseWriter, r *http.Request, status int, d groupsData, flash string, err error) error {
	p := s.newPage(w, r, "groups")
	if status, err = p.outcome(status, flash, err); err != nil {
		return err
	}
	ce, cerr := s.catalogueEditor()
	if cerr != nil {
		return cerr
	}
	groups, cerr := ce.UnitGroups(r.Context())
	if cerr != nil {
		return cerr
	}
	for _, g := range groups {
		names := make([]string, len(g.Units))
		for i, u := range g.Units {
			names[i] = u + " " + unitLabel(p.Lang, u)
		}
		d.Groups = append(d.Groups, groupRow{UnitGroup: g, Names: strings.Join(names, ", ")})
	}
	p.D = d
	s.render(w, r, status, "groups", p)
	return nil
}

func (s *Server) handleGroups(w http.ResponseWriter, r *http.Request) error {
	d := groupsData{}
	if code := r.URL.Query().Get("edit"); code != "" {
		ce, err := s.catalogueEditor()
		if err != nil {
			return err
		}
		groups, err := ce.UnitGroups(r.Context())
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(groups, func(g planwatch.UnitGroup) bool { return g.Code == code }); i >= 0 {
			d.Form, d.Units = groups[i], strings.Join(groups[i].Units, ", ")
		}
	}
	return s.renderGroups(w, r, http.StatusOK, d, "", nil)
}

// postGroup saves a group from the form (no units: removes it).
func (s *Server) postGroup(w http.ResponseWriter, r *http.Request) error {
	g := planwatch.UnitGroup{Code: strings.TrimSpace(r.PostFormValue("code")), NameVI: strings.TrimSpace(r.PostFormValue("name_vi")),
		NameEN: strings.TrimSpace(r.PostFormValue("name_en"))}
	units := r.PostFormValue("units")
	if r.PostFormValue("remove") != "1" {
		g.Units = splitCodes(units)
	}
	d := groupsData{Form: g, Units: units}
	res, err := s.applyCatalogue(r, &planwatch.CatalogueChange{Note: r.PostFormValue("note"), Groups: []planwatch.UnitGroup{g}})
	if err != nil {
		return s.renderGroups(w, r, 0, d, "", err)
	}
	return s.renderGroups(w, r, http.StatusOK, groupsData{}, i18n.T(langOf(w, r), "groups.saved", g.Code, res.Groups), nil)
}

// apiIndicatorVersions answers every version of an indicator.
func (s *Server) apiIndicatorVersions(w http.ResponseWriter, r *http.Request) error {
	ce, err := s.catalogueEditor()
	if err != nil {
		return err
	}
	h, err := ce.IndicatorHistory(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if len(h) == 0 {
		return notFound("không có chỉ tiêu %s / no indicator %s", r.PathValue("code"), r.PathValue("code"))
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

// apiIndicatorSets answers the sets of a unit and year (both optional).
func (s *Server) apiIndicatorSets(w http.ResponseWriter, r *http.Request) error {
	ce, err := s.catalogueEditor()
	if err != nil {
		return err
	}
	year := 0
	if y := r.URL.Query().Get("year"); y != "" {
		if year, err = strconv.Atoi(y); err != nil {
			return invalid("year: %q", y)
		}
	}
	sets, err := ce.IndicatorSets(r.Context(), r.URL.Query().Get("unit"), year)
	if err != nil {
		return err
	}
	if !showsNames(r.Context()) {
		for i := range sets {
			sets[i].By = ""
		}
	}
	writeJSON(w, http.StatusOK, nonNil(sets))
	return nil
}

// apiUnitGroups answers every unit group.
func (s *Server) apiUnitGroups(w http.ResponseWriter, r *http.Request) error {
	ce, err := s.catalogueEditor()
	if err != nil {
		return err
	}
	groups, err := ce.UnitGroups(r.Context())
	if err != nil {
		return err
	}
	if !showsNames(r.Context()) {
		for i := range groups {
			groups[i].By = ""
		}
	}
	writeJSON(w, http.StatusOK, nonNil(groups))
	return nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// catalogueRequest is the body of POST /api/catalogue.
type catalogueRequest struct {
	Note       string                   `json:"note"`
	Indicators []planwatch.Indicator    `json:"indicators"`
	Sets       []planwatch.IndicatorSet `json:"sets"`
	Groups     []planwatch.UnitGroup    `json:"groups"`
	Convert    map[string]float64       `json:"convert"`
	DryRun     bool                     `json:"dry_run"`
}

// apiPostCatalogue applies a catalogue change sent as JSON.
func (s *Server) apiPostCatalogue(w http.ResponseWriter, r *http.Request) error {
	var req catalogueRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return invalid("JSON không hợp lệ / invalid JSON: %v", err)
	}
	res, err := s.applyCatalogue(r, &planwatch.CatalogueChange{Note: req.Note, Indicators: req.Indicators, Sets: req.Sets,
		Groups: req.Groups, Convert: req.Convert, DryRun: req.DryRun})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// groupOf is the unit group named by the request's ?group=, nil when none
// is named; ENOTFOUND for an unknown one.
func (s *Server) groupOf(r *http.Request) (*planwatch.UnitGroup, error) {
	code := r.URL.Query().Get("group")
	if code == "" {
		code = r.PathValue("group")
	}
	if code == "" {
		return nil, nil
	}
	ce, err := s.catalogueEditor()
	if err != nil {
		return nil, err
	}
	groups, err := ce.UnitGroups(r.Context())
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(groups, func(g planwatch.UnitGroup) bool { return g.Code == code }); i >= 0 {
		return &groups[i], nil
	}
	return nil, notFound("không có nhóm đơn vị %q / no unit group %q", code, code)
}

// apiGroupReport answers the report of a unit group for a period, as
// apiReport does for a unit.
func (s *Server) apiGroupReport(w http.ResponseWriter, r *http.Request) error {
	p, err := planwatch.ParsePeriod(r.PathValue("period"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	q.Set("group", r.PathValue("code"))
	r.URL.RawQuery = q.Encode()
	rep, err := s.buildReport(r, "", p, reportLang(r))
	if err != nil {
		return err
	}
	return answerReport(w, r, rep)
}
