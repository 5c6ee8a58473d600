package web

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chorus-voice/chorus/server/results"
)

func TestZZDebug(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()
	rep, err := f.publish(t.Context(), ylyv, results.Request{RoundTo: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range rep.Questions {
		b, _ := json.Marshal(q.Answered)
		fmt.Println(q.ID, string(b), len(q.Items))
		if q.ID == "matters_most" || q.ID == "future" {
			b, _ := json.Marshal(q.Options)
			fmt.Println(string(b))
		}
	}
	b, _ := json.Marshal(rep.Versions)
	fmt.Println(string(b))
}
