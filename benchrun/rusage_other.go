//go:build !unix

package benchrun

import "os"

// maxRSS is unknown on this system.
func maxRSS(*os.ProcessState) int64 { return 0 }
