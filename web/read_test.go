package web

import (
	"os"
	"strings"
	"testing"
)

// TestReadDocument: a Word file uploaded on the "read a report" page is read
// like its text, tables included; a file that is no known format is refused
// with a message.
func TestReadDocument(t *testing.T) {
	docx, err := os.ReadFile("../extract/testdata/heldout4/35-bacgiang-2024q1-phuluc.docx")
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/read")
	rec := c.postFile("/read?unit=20&period=2022Q1", "file", "phuluc.docx", string(docx), nil)
	b := body(rec)
	if rec.Code != 200 || !strings.Contains(b, "46820000000000") || !strings.Contains(b, "Trong đó: Thu nội địa") {
		t.Fatalf("DOCX upload: %d\n%s", rec.Code, b)
	}
	if strings.Contains(b, "word/document.xml") {
		t.Error("the zip's bytes were shown as text")
	}
	rec = c.postFile("/read?unit=20&period=2022Q1", "file", "x.docx", "PK\x03\x04 not a document", nil)
	if rec.Code != 422 {
		t.Errorf("a broken zip: %d %s", rec.Code, body(rec))
	}
}
