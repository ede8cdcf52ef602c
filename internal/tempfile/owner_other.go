//go:build !unix

package tempfile

import "os"

// OwnedByMe: files are taken as this user's where there is no owner to ask.
func OwnedByMe(os.FileInfo) bool { return true }
