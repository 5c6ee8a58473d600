package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/scripts/load/loadgen"
)

// checkAggregates compares the incrementally kept aggregates with a recount, if this
// build can recount: it snapshots the aggregate collections, runs `chorus results
// rebuild` against the same store, snapshots again and compares. Without that
// command it says so and checks nothing.
func (r *runner) checkAggregates(ctx context.Context, srv *server, store *loadgen.Store) {
	help, _ := exec.Command(r.bin, "--help").Output()
	if !bytes.Contains(help, []byte("results rebuild")) {
		r.say("  aggregates: not checked (this build has no `results rebuild` command)")
		return
	}
	names, err := store.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		r.fail("aggregates: list collections: %v", err)
		return
	}
	var aggs []string
	for _, n := range names {
		l := strings.ToLower(n)
		if n != "responses" && !strings.HasPrefix(l, "loadtest_") &&
			(strings.Contains(l, "agg") || strings.Contains(l, "result") || strings.Contains(l, "count") || strings.Contains(l, "tall")) {
			aggs = append(aggs, n)
		}
	}
	if len(aggs) == 0 {
		r.fail("aggregates: `results rebuild` exists but no aggregate collection was found among %v", names)
		return
	}
	before, err := snapshot(ctx, store, aggs)
	if err != nil {
		r.fail("aggregates: %v", err)
		return
	}
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(rand.IntN(256))
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, r.bin, "results", "rebuild")
	cmd.Env = append(os.Environ(), "MONGODB_URI="+srv.mongoURI, "CHORUS_JWT_SECRET="+hex.EncodeToString(secret),
		"CHORUS_DATA="+filepath.Join(srv.dir, "data"))
	if out, err := cmd.CombinedOutput(); err != nil {
		r.fail("aggregates: results rebuild: %v\n%s", err, out)
		return
	}
	after, err := snapshot(ctx, store, aggs)
	if err != nil {
		r.fail("aggregates: %v", err)
		return
	}
	for _, c := range aggs {
		if !slices.Equal(before[c], after[c]) {
			r.fail("aggregates: collection %s differs from a recount (%d documents kept, %d recounted)", c, len(before[c]), len(after[c]))
		} else {
			r.say("  aggregates: %s equals a recount (%d documents)", c, len(after[c]))
		}
	}
}

// snapshot returns each collection's documents, without _id or timestamps and with
// every number as float64, as sorted canonical JSON, so two snapshots compare equal
// whatever order or integer width they were written with.
func snapshot(ctx context.Context, store *loadgen.Store, colls []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, c := range colls {
		cur, err := store.DB.Collection(c).Find(ctx, bson.D{})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", c, err)
		}
		var docs []string
		for cur.Next(ctx) {
			var m bson.M
			if err := cur.Decode(&m); err != nil {
				cur.Close(ctx)
				return nil, err
			}
			delete(m, "_id")
			b, _ := json.Marshal(normalise(m))
			docs = append(docs, string(b))
		}
		err = cur.Err()
		cur.Close(ctx)
		if err != nil {
			return nil, err
		}
		slices.Sort(docs)
		out[c] = docs
	}
	return out, nil
}

func normalise(v any) any {
	switch v := v.(type) {
	case bson.M:
		m := map[string]any{}
		for k, x := range v {
			l := strings.ToLower(k)
			if strings.HasSuffix(l, "_at") || strings.HasSuffix(l, "at") && strings.Contains(l, "updated") || l == "rebuilt" {
				continue
			}
			m[k] = normalise(x)
		}
		return m
	case bson.D:
		m := bson.M{}
		for _, e := range v {
			m[e.Key] = e.Value
		}
		return normalise(m)
	case bson.A:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalise(x)
		}
		return out
	case int32:
		return float64(v)
	case int64:
		return float64(v)
	case int:
		return float64(v)
	default:
		return v
	}
}
