package mongodb

import (
	"strconv"
	"testing"
)

func TestDigestMemory(t *testing.T) {
	t.Run("RemembersWhatWasAdded", func(t *testing.T) {
		m := newDigestMemory(1000)
		for i := range 1000 {
			m.add("seen-"+strconv.Itoa(i), "d"+strconv.Itoa(i))
		}
		for i := range 1000 {
			if got, ok := m.get("seen-" + strconv.Itoa(i)); !ok || got != "d"+strconv.Itoa(i) {
				t.Fatalf("seen-%d = %q, %v; want d%d", i, got, ok, i)
			}
		}
		if _, ok := m.get("other"); ok {
			t.Fatal("an id never added is remembered")
		}
	})
	t.Run("ForgetsOldestGeneration", func(t *testing.T) {
		m := newDigestMemory(100)
		for i := range 250 {
			m.add("id-"+strconv.Itoa(i), "d")
		}
		for i := 150; i < 250; i++ {
			if _, ok := m.get("id-" + strconv.Itoa(i)); !ok {
				t.Fatalf("id-%d of the last 100 forgotten", i)
			}
		}
		for i := range 100 {
			if _, ok := m.get("id-" + strconv.Itoa(i)); ok {
				t.Fatalf("id-%d kept: the memory does not rotate", i)
			}
		}
	})
}
