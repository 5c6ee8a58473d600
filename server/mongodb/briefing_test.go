package mongodb_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

func TestBriefingService(t *testing.T) {
	ctx := context.Background()
	db := mongodbtest.Open(t)
	briefings := mongodb.NewBriefingService(db)

	results := &chorus.Results{
		Survey: "wellbeing",
		Filter: chorus.Filter{Areas: []string{"E10000002", "E06000001"}, From: "2026-09-01"},
		Base:   42,
		Questions: []chorus.QuestionCounts{
			{Question: "future", Answered: 40, Options: map[string]int{"1": 3, "5": 37}},
			{Question: "life_happy", Answered: 41, Items: map[string]map[string]int{"friends": {"4": 20, "5": 21}}},
		},
		Themes:   map[string]int{"family.time": 12, "$money": 3},
		Weeks:    map[string]int{"2026-W36": 40, "2026-W37": 2},
		Versions: map[string]int{"8-12": 42},
	}
	first := &chorus.Briefing{Survey: "wellbeing", Area: "E10000002", Level: "council", Councils: []string{"E10000002"},
		Title: "Buckinghamshire", Shown: "E12000008", ShownLevel: "region", Reason: "Too few here.", Results: results, CreatedBy: "u1"}
	if err := briefings.CreateBriefing(ctx, first); err != nil {
		t.Fatal(err)
	}
	if first.ID == "" || first.CreatedAt.IsZero() {
		t.Fatalf("created = %+v", first)
	}
	second := &chorus.Briefing{Survey: "other", Area: "E92000001", Level: "country", Title: "England", CreatedBy: "u2",
		CreatedAt: first.CreatedAt.Add(time.Minute)}
	if err := briefings.CreateBriefing(ctx, second); err != nil {
		t.Fatal(err)
	}

	t.Run("Find", func(t *testing.T) {
		got, err := briefings.FindBriefing(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, first) {
			t.Errorf("got  %+v\nwant %+v", got, first)
		}
		if !reflect.DeepEqual(got.Results, results) {
			t.Errorf("results: got %+v\nwant %+v", got.Results, results)
		}
	})
	t.Run("List", func(t *testing.T) {
		all, err := briefings.FindBriefings(ctx, chorus.BriefingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].ID != second.ID || all[1].ID != first.ID {
			t.Fatalf("FindBriefings = %v, want newest first", all)
		}
		if all[1].Results != nil {
			t.Errorf("list carries results")
		}
		one, err := briefings.FindBriefings(ctx, chorus.BriefingFilter{Survey: "wellbeing"})
		if err != nil || len(one) != 1 || one[0].ID != first.ID {
			t.Errorf("FindBriefings(survey) = %v, %v", one, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []string{"", "nonsense", "65f000000000000000000000"} {
			if _, err := briefings.FindBriefing(ctx, id); chorus.ErrorCode(err) != chorus.ENOTFOUND {
				t.Errorf("FindBriefing(%q) err = %v, want ENOTFOUND", id, err)
			}
		}
	})
}

func TestPublicationService(t *testing.T) {
	ctx := context.Background()
	db := mongodbtest.Open(t)
	pubs := mongodb.NewPublicationService(db)

	p, err := pubs.FindPublication(ctx, "wellbeing")
	if err != nil || p.Published || p.Survey != "wellbeing" {
		t.Fatalf("never published: %+v, %v", p, err)
	}
	if err := pubs.SetPublication(ctx, &chorus.Publication{Survey: "wellbeing", Published: true, UpdatedBy: "u1"}); err != nil {
		t.Fatal(err)
	}
	p, err = pubs.FindPublication(ctx, "wellbeing")
	if err != nil || !p.Published || p.UpdatedBy != "u1" || p.UpdatedAt.IsZero() {
		t.Fatalf("published: %+v, %v", p, err)
	}
	if err := pubs.SetPublication(ctx, &chorus.Publication{Survey: "wellbeing", Published: false, UpdatedBy: "u2"}); err != nil {
		t.Fatal(err)
	}
	if p, err = pubs.FindPublication(ctx, "wellbeing"); err != nil || p.Published || p.UpdatedBy != "u2" {
		t.Fatalf("unpublished: %+v, %v", p, err)
	}
	if p, err = pubs.FindPublication(ctx, "other"); err != nil || p.Published {
		t.Fatalf("other survey: %+v, %v", p, err)
	}
}
