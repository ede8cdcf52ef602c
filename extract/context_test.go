package extract

import (
	"context"
	"strings"
	"testing"
)

// TestExtractContext: a cancelled context stops the work (issue 15, 5: the
// web server kept extracting after the client had gone); otherwise the
// facts are Extract's.
func TestExtractContext(t *testing.T) {
	x := New(nil)
	text := strings.Repeat("Quý I, tổng mức bán lẻ ước đạt 5.953 tỷ đồng, tăng 7,35% so với cùng kỳ. Giá trị xuất khẩu đạt 120 triệu USD.\n\n", 200)
	want := x.Extract(text, Options{})
	got, err := x.ExtractContext(context.Background(), text, Options{})
	if err != nil || len(got) != len(want) || len(got) == 0 {
		t.Fatalf("ExtractContext: %d facts, %v; Extract: %d", len(got), err, len(want))
	}
	for i := range got {
		if got[i].Start != want[i].Start || got[i].End != want[i].End || got[i].Sentence != want[i].Sentence {
			t.Errorf("fact %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if facts, err := x.ExtractContext(ctx, text, Options{}); err == nil || facts != nil {
		t.Errorf("cancelled: %d facts, error %v", len(facts), err)
	}
	// Cancelled while building: the doc is asked between sentences.
	done := make(chan struct{})
	close(done)
	d := newDoc(text, Options{})
	d.done = done
	if facts := d.build(); facts != nil {
		t.Errorf("build after cancel: %d facts", len(facts))
	}
}
