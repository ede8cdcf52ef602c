//go:build !linux

package calc

import "os"

// mapFile reads a snapshot into memory (mapped on Linux).
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }
