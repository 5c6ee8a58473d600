package theme

import (
	"os"
	"slices"
	"testing"
)

func TestZZDebug(t *testing.T) {
	split := os.Getenv("SPLIT")
	if split == "" {
		t.Skip()
	}
	cb, _ := LoadFile(shippedCodebook)
	m := cb.Compile()
	for _, q := range readQuotes(t) {
		if q.split != split {
			continue
		}
		got := m.Tag(q.text)
		var fp, fn []string
		for _, g := range got {
			if !slices.Contains(q.themes, g) {
				fp = append(fp, g)
			}
		}
		for _, w := range q.themes {
			if !slices.Contains(got, w) {
				fn = append(fn, w)
			}
		}
		if len(fp)+len(fn) > 0 {
			var why []string
			for _, h := range m.hits(tokenize(q.text)) {
				if slices.Contains(fp, m.ids[h.p.theme]) {
					why = append(why, m.ids[h.p.theme]+":"+cb.Themes[h.p.theme].Terms[h.p.term].Text)
				}
			}
			t.Logf("%s FP%v FN%v %v | %.150s", q.id, fp, fn, why, q.text)
		}
	}
}
