package web

import (
	"net/http"
	"strconv"
)

// routeTable declares every route with the access it needs: the
// authorisation matrix of issue 6 is read off this table.
func (s *Server) routeTable(static http.Handler) []route {
	h := func(f func(http.ResponseWriter, *http.Request) error) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := f(w, r); err != nil {
				s.fail(w, r, err)
			}
		})
	}
	return []route{
		{"GET /static/", AccessPublic, static},
		{"GET /favicon.ico", AccessPublic, static},
		{"GET /healthz", AccessPublic, h(s.handleHealth)},
		// Anything else: a page (or a JSON error under /api/) saying so, never a bare 404.
		{"/", AccessPublic, h(func(w http.ResponseWriter, r *http.Request) error {
			return notFound("không có trang %s / no page %s", r.URL.Path, r.URL.Path)
		})},

		{"GET /{$}", AccessRead, h(s.handleDashboard)},
		{"GET /indicators/{code}", AccessRead, h(s.handleIndicator)},
		{"GET /entry", AccessRead, h(s.handleEntry)},
		{"GET /entry/workbook", AccessRead, h(s.handleEntryWorkbook)},
		{"POST /entry", AccessWrite, h(s.postEntry)},
		{"GET /upload", AccessRead, h(s.handleUpload)},
		{"POST /upload", AccessWrite, h(s.postUpload)},
		{"POST /upload/commit", AccessWrite, h(s.postUploadCommit)},
		{"GET /mappings", AccessRead, h(s.handleMappings)},
		{"POST /mappings", AccessPlan, h(s.postMapping)},
		{"GET /mappings/template", AccessWrite, h(s.handleMappingTemplate)},
		{"GET /mappings/{name}", AccessRead, h(s.handleMappingDownload)},
		{"GET /read", AccessRead, h(s.handleRead)},
		{"POST /read", AccessSignedIn, h(s.postRead)},
		{"POST /read/save", AccessWrite, h(s.postReadSave)},
		{"GET /report", AccessRead, h(s.handleReport)},
		{"GET /report/download", AccessRead, h(s.handleReportDownload)},
		{"POST /report/notes", AccessPlan, h(s.postReportNote)},
		{"POST /report/tasks", AccessPlan, h(s.postReportTask)},
		{"POST /report/settings", AccessPlan, h(s.postReportSettings)},
		{"GET /plans", AccessRead, h(s.handlePlans)},
		{"POST /plans/targets", AccessPlan, h(s.postTarget)},
		{"POST /plans/milestones", AccessPlan, h(s.postMilestone)},
		{"POST /plans/import", AccessPlan, h(s.postPlansImport)},

		{"GET /api/openapi.json", AccessPublic, h(s.apiOpenAPI)},
		{"GET /api/indicators", AccessRead, h(s.apiIndicators)},
		{"GET /api/units", AccessRead, h(s.apiUnits)},
		{"GET /api/values", AccessRead, h(s.apiValues)},
		{"POST /api/values", AccessWrite, h(s.apiPostValues)},
		{"GET /api/values/{indicator}/{unit}/{period}/revisions", AccessRead, h(s.apiRevisions)},
		{"GET /api/targets", AccessRead, h(s.apiTargets)},
		{"POST /api/targets", AccessPlan, h(s.apiPostTargets)},
		{"GET /api/analytics/status", AccessRead, h(s.apiStatus)},
		{"GET /api/analytics/indicators/{code}", AccessRead, h(s.apiIndicatorAnalytics)},
		{"POST /api/extract", AccessSignedIn, h(s.apiExtract)},
		{"GET /api/reports/{unit}/{period}", AccessRead, h(s.apiReport)},
		{"GET /api/dataValueSets", AccessRead, h(s.getDataValueSets)},
		{"POST /api/dataValueSets", AccessWrite, h(s.postDataValueSets)},
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}

func itoa(i int) string { return strconv.Itoa(i) }
