package document

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestAttackPDFTextBomb (sixth session): the text pdftotext writes was
// read whole into memory, however long: a PDF of a few MB whose pages all
// show one compressed content stream (60,000 pages of 60 lines, 9 MB)
// unpacks to 266 MB of text, held two or three times over by the server
// for one upload by any signed-in user (an OOXML part is bounded to
// maxPart). The text of a PDF is bounded the same way: past maxPart the
// conversion stops and the file is refused, naming the bound. (A stand-in
// pdftotext writes the text, so that the test needs no poppler and holds
// little memory before the fix: 100 MB.)
func TestAttackPDFTextBomb(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a shell script stands in for pdftotext")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\nhead -c 100000000 /dev/zero | tr '\\0' 'a'\n"
	if err := os.WriteFile(filepath.Join(dir, "pdftotext"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	d, err := Read(t.Context(), []byte("%PDF-1.4\n%a bomb\n"))
	if err == nil || !strings.Contains(err.Error(), "MB") {
		n := 0
		if d != nil {
			n = len(d.Text)
		}
		t.Fatalf("a PDF of 100 MB of text: %d bytes read, err %v; want refused past %d MB", n, err, maxPart>>20)
	}
}
