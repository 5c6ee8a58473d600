package loadgen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Store is a driver connection to the server's store, for checks and the baseline.
type Store struct {
	client *mongo.Client
	DB     *mongo.Database
}

// OpenStore connects to a loopback MongoDB URI (such as the one the server prints for
// its embedded store) and the named database.
func OpenStore(ctx context.Context, uri, database string) (*Store, error) {
	if _, err := Loopback(uri); err != nil {
		return nil, fmt.Errorf("-mongo: %w", err)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).SetAppName("chorus-load"))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", uri, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := client.Ping(pctx, nil); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("store at %s does not answer: %w", uri, err)
	}
	return &Store{client: client, DB: client.Database(database)}, nil
}

// Close disconnects.
func (s *Store) Close() { _ = s.client.Disconnect(context.Background()) }

// StoredIDs returns, for every stored response whose submission id starts with
// prefix, how many documents carry that id (more than one would be a duplicate).
func (s *Store) StoredIDs(ctx context.Context, prefix string) (map[string]int, error) {
	docs, err := s.Stored(ctx, prefix)
	out := make(map[string]int, len(docs))
	for id, versions := range docs {
		out[id] = len(versions)
	}
	return out, err
}

// Stored returns the version of every stored response whose submission id starts
// with prefix, by id (two versions for one id would be a duplicate).
func (s *Store) Stored(ctx context.Context, prefix string) (map[string][]string, error) {
	filter := bson.D{{Key: "submission_id", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(prefix)}}}}
	cur, err := s.DB.Collection("responses").Find(ctx, filter,
		options.Find().SetProjection(bson.D{{Key: "submission_id", Value: 1}, {Key: "version", Value: 1}, {Key: "_id", Value: 0}}).SetBatchSize(5000))
	if err != nil {
		return nil, fmt.Errorf("find responses: %w", err)
	}
	defer cur.Close(ctx)
	out := map[string][]string{}
	for cur.Next(ctx) {
		var d struct {
			ID      string `bson:"submission_id"`
			Version string `bson:"version"`
		}
		if err := cur.Decode(&d); err != nil {
			return nil, err
		}
		out[d.ID] = append(out[d.ID], d.Version)
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("read responses: %w", err)
	}
	return out, nil
}

// Check compares the acknowledged ids with the stored ones: lost are acknowledged
// but not stored, duplicated are stored more than once, extra are stored but never
// acknowledged (the client gave up on them; a retry would have been answered 200).
type Check struct {
	Acked, Stored           int
	Lost, Duplicated, Extra []string
}

// Compare builds a Check.
func Compare(acked map[string]int, stored map[string]int) Check {
	c := Check{Acked: len(acked), Stored: len(stored)}
	for id := range acked {
		if stored[id] == 0 {
			c.Lost = append(c.Lost, id)
		}
	}
	for id, n := range stored {
		if n > 1 {
			c.Duplicated = append(c.Duplicated, id)
		}
		if _, ok := acked[id]; !ok {
			c.Extra = append(c.Extra, id)
		}
	}
	return c
}

// OK reports whether nothing acknowledged was lost or duplicated.
func (c Check) OK() bool { return len(c.Lost) == 0 && len(c.Duplicated) == 0 }

func (c Check) String() string {
	s := fmt.Sprintf("%d acknowledged, %d stored: %d lost, %d duplicated, %d stored but unacknowledged",
		c.Acked, c.Stored, len(c.Lost), len(c.Duplicated), len(c.Extra))
	if len(c.Lost) > 0 {
		s += fmt.Sprintf("; lost e.g. %v", c.Lost[:min(5, len(c.Lost))])
	}
	if len(c.Duplicated) > 0 {
		s += fmt.Sprintf("; duplicated e.g. %v", c.Duplicated[:min(5, len(c.Duplicated))])
	}
	return s
}

// scratchDoc has the shape of a stored response (server/mongodb responseInsert): its
// _id is the submission id.
type scratchDoc struct {
	ID           string         `bson:"_id"`
	SubmissionID string         `bson:"submission_id"`
	Survey       string         `bson:"survey"`
	Version      string         `bson:"version"`
	Lang         string         `bson:"lang"`
	Revision     string         `bson:"revision"`
	Day          string         `bson:"day"`
	Answers      map[string]any `bson:"answers"`
	Digest       string         `bson:"digest"`
}

// InsertRate measures the store's own rate for documents shaped like the server's:
// writers goroutines each insert batches of batch documents (InsertMany, unordered)
// into a scratch collection with the same unique index, for d. The collection is
// dropped afterwards. It returns documents stored per second.
func (s *Store) InsertRate(ctx context.Context, g *Generator, d time.Duration, batch, writers int) (float64, int64, error) {
	name := "loadtest_scratch_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	coll := s.DB.Collection(name)
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = coll.Drop(dctx)
	}()
	for _, m := range []mongo.IndexModel{
		{Keys: bson.D{{Key: "submission_id", Value: 1}}, Options: options.Index().SetUnique(true)},
		{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "day", Value: 1}}},
	} {
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil {
			return 0, 0, fmt.Errorf("create scratch index: %w", err)
		}
	}
	// Documents are made before the clock starts: this measures the store alone.
	r := rand.New(rand.NewPCG(7, 7))
	prefix := NewPrefix("sb")
	day := time.Now().UTC().Format(time.DateOnly)
	const distinct = 20000
	docs := make([]any, distinct)
	for i := range docs {
		sub := g.Answers(r)
		j, _ := json.Marshal(sub.Answers)
		sum := sha256.Sum256(j)
		docs[i] = &scratchDoc{
			ID: prefix + strconv.Itoa(i), SubmissionID: prefix + strconv.Itoa(i), Survey: sub.Survey, Version: sub.Version,
			Lang: sub.Lang, Revision: g.Survey.Revision, Day: day, Answers: sub.Answers,
			Digest: hex.EncodeToString(sum[:16]),
		}
	}
	var stored atomic.Int64
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	dctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for dctx.Err() == nil {
				n := int(next.Add(int64(batch))) - batch
				b := make([]any, batch)
				for k := range b {
					src := docs[(n+k)%distinct].(*scratchDoc)
					cp := *src
					cp.SubmissionID = prefix + strconv.Itoa(n+k)
					cp.ID = cp.SubmissionID
					b[k] = &cp
				}
				// The batch that is running when time is up is finished and counted.
				ictx, icancel := context.WithTimeout(context.Background(), 30*time.Second)
				_, err := coll.InsertMany(ictx, b, options.InsertMany().SetOrdered(false))
				icancel()
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				stored.Add(int64(batch))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return 0, stored.Load(), fmt.Errorf("insert into scratch collection: %w", firstErr)
	}
	return float64(stored.Load()) / elapsed.Seconds(), stored.Load(), nil
}
