package mongodb

import (
	"strconv"
	"testing"
)

func TestIDFilter(t *testing.T) {
	t.Run("RemembersWhatWasAdded", func(t *testing.T) {
		f := newIDFilter(10000)
		for i := range 10000 {
			f.add("seen-" + strconv.Itoa(i))
		}
		for i := range 10000 {
			if !f.has("seen-" + strconv.Itoa(i)) {
				t.Fatalf("seen-%d forgotten", i)
			}
		}
		wrong := 0
		for i := range 100000 {
			if f.has("other-" + strconv.Itoa(i)) {
				wrong++
			}
		}
		if wrong > 2000 {
			t.Fatalf("%d false positives in 100000, want under 2%%", wrong)
		}
	})
	t.Run("ForgetsOldestGeneration", func(t *testing.T) {
		f := newIDFilter(100)
		for i := range 250 {
			f.add("id-" + strconv.Itoa(i))
		}
		for i := 150; i < 250; i++ {
			if !f.has("id-" + strconv.Itoa(i)) {
				t.Fatalf("id-%d of the last %d forgotten", i, 100)
			}
		}
		forgotten := 0
		for i := range 100 {
			if !f.has("id-" + strconv.Itoa(i)) {
				forgotten++
			}
		}
		if forgotten < 90 {
			t.Fatalf("only %d of the oldest 100 forgotten: the filter does not rotate", forgotten)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		f := newIDFilter(10)
		if f.has("anything") {
			t.Fatal("an empty filter has an id")
		}
	})
}
