package web

import (
	"bytes"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"planwatch"
	"planwatch/rules"
	"planwatch/web/i18n"
)

// The data-quality page (violations of the validation rules for a unit and
// the units under it, with links to the values), and the administrators'
// pages of validation rules and breakdown categories (issue 13, parts 3
// and 5).

// ruleRoutes are the routes of rules and categories.
func (s *Server) ruleRoutes() []route {
	h := s.handle
	return []route{
		{"GET /quality", AccessRead, h(s.handleQuality)},
		{"GET /api/validation", AccessRead, h(s.apiValidation)},
		{"GET /api/rules", AccessRead, h(s.apiRules)},
		{"GET /api/categories", AccessRead, h(s.apiCategories)},
		{"GET /rules", AccessAdmin, h(s.handleRules)},
		{"GET /rules/export", AccessAdmin, h(s.handleRulesExport)},
		{"POST /rules", AccessAdmin, h(s.postRule)},
		{"POST /rules/delete", AccessAdmin, h(s.postRuleDelete)},
		{"POST /rules/import", AccessAdmin, h(s.postRulesImport)},
		{"GET /categories", AccessAdmin, h(s.handleCategories)},
		{"POST /categories", AccessAdmin, h(s.postCategory)},
		{"POST /categories/attach", AccessAdmin, h(s.postCategoryAttach)},
	}
}

func (s *Server) ruleStore() (planwatch.RuleStore, error) {
	rs, ok := s.store.(planwatch.RuleStore)
	if !ok {
		return nil, invalid("kho dữ liệu không giữ quy tắc / this store keeps no rules")
	}
	return rs, nil
}

type qualityData struct {
	UnitName   string
	Violations []violationRow
	Checks     int
	LeftOut    []planwatch.Problem // stored rules that no longer compile
	// Capped: the check stopped at Limits before the last unit under the
	// asked one (validation.go).
	UnitsChecked int
	Capped       bool
	Limits       rules.Limits
}

type violationRow struct {
	rules.Violation
	UnitName string
	Name     string
	Message  string
	Links    []valueLink
}

type valueLink struct {
	Code, Name string
	URL        template.URL
}

// violations lists the violations for the selection.
func (s *Server) violations(r *http.Request) (*snapshot, selection, qualityData, error) {
	snap, sel, err := s.selected(r)
	if err != nil {
		return nil, sel, qualityData{}, err
	}
	set, leftOut, rulesKey, err := s.compiledRules(r.Context(), snap)
	if err != nil {
		return nil, sel, qualityData{}, err
	}
	found, err := s.checkTree(r.Context(), snap, set, rulesKey, sel)
	if err != nil {
		return nil, sel, qualityData{}, err
	}
	lang := langOf(nil, r)
	d := qualityData{UnitName: unitName(snap, sel.Unit, sel.Period), Checks: set.Len(), LeftOut: leftOut,
		UnitsChecked: found.tree.Units, Capped: found.tree.Capped, Limits: validationLimits}
	for _, v := range found.violations {
		row := violationRow{Violation: v, UnitName: unitName(snap, v.Unit, v.Period), Name: v.Name, Message: v.Message}
		if lang == "en" {
			row.Name, row.Message = firstText(v.NameEN, v.Name), firstText(v.MessageEN, v.Message)
		}
		for _, k := range v.Values {
			ind := snap.ds.Indicators()[k.Indicator]
			row.Links = append(row.Links, valueLink{Code: k.Indicator, Name: indicatorName(lang, ind),
				URL: link("/indicators/"+k.Indicator, "unit", k.Unit, "period", k.Period.ID())})
		}
		d.Violations = append(d.Violations, row)
	}
	return snap, sel, d, nil
}

func firstText(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) handleQuality(w http.ResponseWriter, r *http.Request) error {
	snap, sel, d, err := s.violations(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "quality")
	s.fillPickers(p, snap, sel)
	p.D = d
	s.render(w, r, http.StatusOK, "quality", p)
	return nil
}

// apiValidation is the data-quality page as JSON.
func (s *Server) apiValidation(w http.ResponseWriter, r *http.Request) error {
	_, sel, d, err := s.violations(r)
	if err != nil {
		return err
	}
	vs := make([]rules.Violation, 0, len(d.Violations))
	for _, v := range d.Violations {
		vs = append(vs, v.Violation)
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgunit": sel.Unit, "period": sel.Period.ID(), "checks": d.Checks, "violations": vs,
		"units_checked": d.UnitsChecked, "capped": d.Capped})
	return nil
}

// apiRules lists the stored rules and the generated ones.
func (s *Server) apiRules(w http.ResponseWriter, r *http.Request) error {
	list, err := s.allRules(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": list})
	return nil
}

func (s *Server) allRules(r *http.Request) ([]planwatch.ValidationRule, error) {
	rs, err := s.ruleStore()
	if err != nil {
		return nil, err
	}
	stored, err := rs.Rules(r.Context())
	if err != nil {
		return nil, err
	}
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	list := append(stored, rules.Generated(snap.inds)...)
	if list == nil {
		list = []planwatch.ValidationRule{}
	}
	return list, nil
}

// apiCategories lists the categories with the indicators broken down by each.
func (s *Server) apiCategories(w http.ResponseWriter, r *http.Request) error {
	d, err := s.categoriesData(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"categories": d.Categories})
	return nil
}

type rulesData struct {
	Rules       []planwatch.ValidationRule
	Form        planwatch.ValidationRule
	Ops         []planwatch.RuleOp
	Importances []string
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) (*page, rulesData, error) {
	p := s.newPage(w, r, "rules")
	list, err := s.allRules(r)
	d := rulesData{Rules: list, Ops: planwatch.RuleOps, Importances: planwatch.RuleImportances,
		Form: planwatch.ValidationRule{Op: planwatch.OpLessEqual, Importance: "medium", Action: planwatch.RuleWarn}}
	return p, d, err
}

func (s *Server) handleRules(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.rulesPage(w, r)
	if err != nil {
		return err
	}
	if code := r.URL.Query().Get("edit"); code != "" {
		for _, rule := range d.Rules {
			if rule.Code == code && !rule.Generated {
				d.Form = rule
			}
		}
	}
	p.D = d
	s.render(w, r, http.StatusOK, "rules", p)
	return nil
}

func (s *Server) handleRulesExport(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.ruleStore()
	if err != nil {
		return err
	}
	stored, err := rs.Rules(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := rules.WriteRules(&buf, stored); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="rules.csv"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// saveRules checks rules against the catalogue and stores them; problems
// are shown on the rules page.
func (s *Server) saveRules(w http.ResponseWriter, r *http.Request, list []planwatch.ValidationRule, form *planwatch.ValidationRule) error {
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	rs, err := s.ruleStore()
	if err != nil {
		return err
	}
	if err = rules.CheckAgainst(list, snap.inds); err == nil {
		err = rs.SaveRules(r.Context(), list, userName(r.Context()), s.clientIP(r))
	}
	p, d, perr := s.rulesPage(w, r)
	if perr != nil {
		return perr
	}
	if err != nil {
		if p.Problems = problemsOf(err); p.Problems == nil {
			return err
		}
		if form != nil {
			d.Form = *form
		}
		p.D = d
		s.render(w, r, http.StatusUnprocessableEntity, "rules", p)
		return nil
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "rules.saved", len(list)))
	p.D = d
	s.render(w, r, http.StatusOK, "rules", p)
	return nil
}

func (s *Server) postRule(w http.ResponseWriter, r *http.Request) error {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	rule := planwatch.ValidationRule{Code: f("code"), NameVI: f("name_vi"), NameEN: f("name_en"), Each: f("each"),
		Left: f("left"), Op: planwatch.RuleOp(f("op")), Right: f("right"), Importance: f("importance"), Action: f("action"),
		MessageVI: f("message_vi"), MessageEN: f("message_en")}
	if t := f("tolerance_pct"); t != "" {
		v, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
		if err != nil {
			v = -1 // refused by Validate, named on the field
		}
		rule.Tolerance = v
	}
	return s.saveRules(w, r, []planwatch.ValidationRule{rule}, &rule)
}

func (s *Server) postRulesImport(w http.ResponseWriter, r *http.Request) error {
	_, data, err := readUploaded(r)
	var list []planwatch.ValidationRule
	if err == nil {
		list, err = rules.ReadRules(bytes.NewReader(data))
	}
	if err != nil {
		p, d, perr := s.rulesPage(w, r)
		if perr != nil {
			return perr
		}
		if p.Problems = problemsOf(err); p.Problems == nil {
			return err
		}
		p.D = d
		s.render(w, r, http.StatusUnprocessableEntity, "rules", p)
		return nil
	}
	return s.saveRules(w, r, list, nil)
}

func (s *Server) postRuleDelete(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.ruleStore()
	if err != nil {
		return err
	}
	if err := rs.DeleteRule(r.Context(), r.PostFormValue("code"), userName(r.Context()), s.clientIP(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/rules", http.StatusSeeOther)
	return nil
}

type categoriesData struct {
	Categories []categoryRow                  `json:"categories"`
	Indicators []planwatch.Indicator          `json:"-"` // that may be broken down
	Form       planwatch.Category             `json:"-"`
	Options    string                         `json:"-"` // the options of the form, one a line
	Attached   map[string]planwatch.Indicator `json:"-"`
}

type categoryRow struct {
	planwatch.Category
	Indicators []string `json:"indicators"`
}

func (s *Server) categoriesData(r *http.Request) (categoriesData, error) {
	var d categoriesData
	rs, err := s.ruleStore()
	if err != nil {
		return d, err
	}
	cats, err := rs.Categories(r.Context())
	if err != nil {
		return d, err
	}
	inds, err := s.store.Indicators(r.Context())
	if err != nil {
		return d, err
	}
	for _, c := range cats {
		row := categoryRow{Category: c, Indicators: []string{}}
		for _, ind := range inds {
			if ind.Category == c.Code {
				row.Indicators = append(row.Indicators, ind.Code)
			}
		}
		d.Categories = append(d.Categories, row)
	}
	if d.Categories == nil {
		d.Categories = []categoryRow{}
	}
	for _, ind := range inds {
		if _, _, sub := planwatch.SplitSubIndicator(ind.Code); !sub && ind.Formula == "" && !ind.Retired {
			d.Indicators = append(d.Indicators, ind)
		}
	}
	sort.Slice(d.Indicators, func(i, j int) bool { return d.Indicators[i].Code < d.Indicators[j].Code })
	return d, nil
}

func (s *Server) categoriesPage(w http.ResponseWriter, r *http.Request, status int, flash string, err error, form *categoriesData) error {
	d, derr := s.categoriesData(r)
	if derr != nil {
		return derr
	}
	p := s.newPage(w, r, "categories")
	if err != nil {
		if p.Problems = problemsOf(err); p.Problems == nil {
			return err
		}
		status = http.StatusUnprocessableEntity
		if form != nil {
			d.Form, d.Options = form.Form, form.Options
		}
	}
	if flash != "" {
		p.Flash = append(p.Flash, flash)
	}
	p.D = d
	s.render(w, r, status, "categories", p)
	return nil
}

func (s *Server) handleCategories(w http.ResponseWriter, r *http.Request) error {
	return s.categoriesPage(w, r, http.StatusOK, "", nil, nil)
}

// postCategory stores a category whose options come one a line, as
// "code | tên tiếng Việt | English name"; indicators already broken down
// by it get the sub-indicators of new options, those of options removed
// are retired (the store, in the same transaction).
func (s *Server) postCategory(w http.ResponseWriter, r *http.Request) error {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := categoriesData{Form: planwatch.Category{Code: f("code"), NameVI: f("name_vi"), NameEN: f("name_en")}, Options: r.PostFormValue("options")}
	for _, line := range strings.Split(form.Options, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		o := planwatch.CategoryOption{Code: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			o.NameVI = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			o.NameEN = strings.TrimSpace(parts[2])
		}
		form.Form.Options = append(form.Form.Options, o)
	}
	rs, err := s.ruleStore()
	if err != nil {
		return err
	}
	// The category and the parts of the indicators broken down by it: one
	// transaction.
	err = rs.SaveCategory(r.Context(), form.Form, userName(r.Context()), s.clientIP(r))
	if err == nil {
		s.catalogueChanged(r)
		return s.categoriesPage(w, r, http.StatusOK, i18n.T(langOf(nil, r), "categories.saved", form.Form.Code), nil, nil)
	}
	return s.categoriesPage(w, r, http.StatusOK, "", err, &form)
}

// postCategoryAttach breaks an indicator down by a category (creating its
// sub-indicators), or detaches it.
func (s *Server) postCategoryAttach(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.ruleStore()
	if err != nil {
		return err
	}
	cats, err := rs.Categories(r.Context())
	if err != nil {
		return err
	}
	ind, cat := r.PostFormValue("indicator"), r.PostFormValue("category")
	_, err = rules.AttachCategory(r.Context(), s.store, cats, ind, cat, userName(r.Context()), s.clientIP(r))
	if err == nil {
		s.catalogueChanged(r)
		return s.categoriesPage(w, r, http.StatusOK, i18n.T(langOf(nil, r), "categories.attached", ind, cat), nil, nil)
	}
	return s.categoriesPage(w, r, http.StatusOK, "", err, nil)
}
