//go:build !linux

package cube

func allocValues(n int) (vals []float64, free func()) { return make([]float64, n), nil }
