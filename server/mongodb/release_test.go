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

func TestReleases(t *testing.T) {
	ctx := context.Background()
	db := mongodbtest.Open(t)
	store := mongodb.NewReleases(db)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	first := &chorus.ReleaseRecord{ID: "r1", Survey: "s", Seq: 1, At: at, Responses: 12,
		Slots: []string{"a"}, Keys: []string{"k"}, Data: []byte{1, 2, 3}}
	second := &chorus.ReleaseRecord{ID: "r2", Survey: "s", Seq: 2, At: at.Add(time.Hour + 17*time.Minute), Responses: 25,
		Slots: []string{"a"}, Keys: []string{"k"}, Data: []byte{4}, Frozen: map[string]string{"area:E06000001": "r1"}}
	for _, r := range []*chorus.ReleaseRecord{first, second} {
		if err := store.InsertRelease(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.LatestRelease(ctx, "other"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
		t.Errorf("latest of a survey with none: %v", err)
	}
	got, err := store.LatestRelease(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	want := *second
	want.At = at.Add(time.Hour) // to the hour, never finer
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("latest: got %+v\nwant %+v", got, &want)
	}
	if got, err := store.FindRelease(ctx, "r1"); err != nil || got.Seq != 1 || got.Frozen != nil {
		t.Errorf("find: %+v %v", got, err)
	}
	dup := *second
	dup.ID = "r3"
	if err := store.InsertRelease(ctx, &dup); chorus.ErrorCode(err) != chorus.ECONFLICT {
		t.Errorf("second release with the same number: %v, want conflict", err)
	}
	list, err := store.ListReleases(ctx, "s")
	if err != nil || len(list) != 2 || list[0].ID != "r2" || list[0].Data != nil {
		t.Errorf("list: %+v %v", list, err)
	}
	// One releaser at a time.
	give, ok, err := db.Lease(ctx, "release:s", time.Minute)
	if err != nil || !ok {
		t.Fatalf("lease: %v %v", ok, err)
	}
	if _, ok2, err := db.Lease(ctx, "release:s", time.Minute); ok2 || err != nil {
		t.Errorf("second lease while held: %v %v", ok2, err)
	}
	give()
	if give3, ok3, err := db.Lease(ctx, "release:s", time.Minute); !ok3 || err != nil {
		t.Errorf("lease after giving it back: %v %v", ok3, err)
	} else {
		give3()
	}
}
