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

// BenchmarkPublishReleased reads tables of a survey's current release once it is warm:
// what every page and API call does between releases.
func BenchmarkPublishReleased(b *testing.B) {
	c := synthetic(b, 20000, 9)
	s, g := example(b)
	live := &liveCube{c: c}
	rel := &results.Releaser{Store: &memReleases{}, Live: live, Surveys: catalog{s}, Places: places(g)}
	if out, err := rel.Release(context.Background(), s.ID, true); err != nil || !out.Made {
		b.Fatal(out, err)
	}
	svc := &results.Service{Store: live, Surveys: catalog{s}, Places: places(g), Releases: rel}
	reqs := []results.Request{{}, {Version: "13-17"}, {Area: "E10000016"}, {Region: "E12000008"}, {RoundTo: 5}}
	for _, r := range reqs {
		if _, err := svc.Publish(context.Background(), s.ID, r); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		if _, err := svc.Publish(context.Background(), s.ID, reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
