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

	first := &chorus.Briefing{Survey: "wellbeing", Area: "E14001063", Level: "constituency", Councils: []string{"E10000002", "E06000060"},
		Title: "Day of Action briefing: Aylesbury", CreatedBy: "u1"}
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
	})
	t.Run("List", func(t *testing.T) {
		all, err := briefings.FindBriefings(ctx, chorus.BriefingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].ID != second.ID || all[1].ID != first.ID {
			t.Fatalf("FindBriefings = %v, want newest first", all)
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
