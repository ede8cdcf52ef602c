// Package planwatch holds the domain of socio-economic plan monitoring:
// indicators, administrative units, periods, plan targets, reported data values,
// notes and tasks, and the storage interface that adapters implement.
//
// It imports only the standard library. Adapters live in subpackages (sqlite,
// calc, extract, report, web, ...) and are wired together in cmd/planwatch.
package planwatch
