package engine

// ChangeTotal is one group of ChangeTotals: the change sets of one kind
// and value source, and the values they wrote.
type ChangeTotal struct {
	Kind, Source string
	Sets, Values int64
}

// ChangeTotalsQuery groups change_sets, the same in both engines.
const ChangeTotalsQuery = `SELECT kind, v_kind, count(*), coalesce(sum(imported + updated + deleted), 0)
	FROM change_sets GROUP BY kind, v_kind ORDER BY kind, v_kind`

// ScanChangeTotal reads a row of ChangeTotalsQuery.
func ScanChangeTotal(s Scanner) (ChangeTotal, error) {
	var t ChangeTotal
	return t, s.Scan(&t.Kind, &t.Source, &t.Sets, &t.Values)
}
