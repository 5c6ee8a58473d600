package results_test

import (
	"context"
	"testing"

	"github.com/chorus-voice/chorus/server/results"
)

// BenchmarkPublishCold publishes a region's results from a new snapshot each time: the
// work after every batch of responses when readers want the latest counts.
func BenchmarkPublishCold(b *testing.B) {
	c := synthetic(b, 20000, 9)
	s, g := example(b)
	for _, req := range []struct {
		name string
		r    results.Request
	}{{"All", results.Request{}}, {"Version", results.Request{Version: "13-17"}}, {"Council", results.Request{Area: "E10000016"}}} {
		b.Run(req.name, func(b *testing.B) {
			for b.Loop() {
				svc := &results.Service{Store: fixedStore{c.Clone()}, Surveys: catalog{s}, Places: places(g)}
				if _, err := svc.Publish(context.Background(), s.ID, req.r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
