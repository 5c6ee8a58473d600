package mongodb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("safeguarding",
		mongo.IndexModel{Keys: bson.D{{Key: "submission_id", Value: 1}}, Options: options.Index().SetUnique(true).SetName("submission_id_unique")},
		mongo.IndexModel{Keys: bson.D{{Key: "reviewed", Value: 1}}, Options: options.Index().SetName("reviewed")})
}

// concernDoc is one response in the safeguarding queue.
type concernDoc struct {
	ID           bson.ObjectID       `bson:"_id"`
	SubmissionID string              `bson:"submission_id"`
	Survey       string              `bson:"survey"`
	Version      string              `bson:"version"`
	Day          string              `bson:"day"`
	Flags        map[string][]string `bson:"flags,omitempty"`
	Texts        map[string]string   `bson:"texts,omitempty"`
	Signals      []signalDoc         `bson:"signals,omitempty"`
	Level        string              `bson:"level,omitempty"`
	Reviewed     bool                `bson:"reviewed"`
	ReviewedBy   string              `bson:"reviewed_by,omitempty"`
	ReviewedAt   time.Time           `bson:"reviewed_at,omitempty"`
	Note         string              `bson:"note,omitempty"`
}

type signalDoc struct {
	Question string `bson:"question"`
	Option   string `bson:"option"`
}

func (d *concernDoc) domain() *chorus.Concern {
	c := &chorus.Concern{ID: d.ID.Hex(), Survey: d.Survey, Version: d.Version, Day: d.Day, Flags: d.Flags, Texts: d.Texts,
		ReviewedBy: d.ReviewedBy, Note: d.Note, Level: d.Level}
	c.Level = c.LevelOf()
	if d.Reviewed {
		c.ReviewedAt = d.ReviewedAt
		if c.ReviewedAt.IsZero() {
			c.ReviewedAt = time.Unix(1, 0)
		}
	}
	for _, s := range d.Signals {
		c.Signals = append(c.Signals, chorus.RiskSignal{Question: s.Question, Option: s.Option})
	}
	return c
}

// Safeguarding implements chorus.SafeguardingService: the queue of responses that
// suggest a child may be at risk. Responses join it as they are stored (OnBatch);
// Sync adds any that a crash between storing a batch and queueing it left out.
type Safeguarding struct {
	coll      *mongo.Collection
	responses *mongo.Collection
	log       *slog.Logger

	// Surveys finds the text questions and risk signals of each response's survey.
	Surveys chorus.SurveyService
}

// NewSafeguarding returns the safeguarding queue on db.
func (d *DB) NewSafeguarding(surveys chorus.SurveyService) *Safeguarding {
	return &Safeguarding{coll: d.db.Collection("safeguarding"), responses: d.db.Collection("responses"), log: d.log, Surveys: surveys}
}

var _ chorus.SafeguardingService = (*Safeguarding)(nil)

// concernOf makes the queue entry of a risky response.
func (s *Safeguarding) concernOf(ctx context.Context, r *chorus.Response) *concernDoc {
	d := &concernDoc{ID: dayID(time.Now()), SubmissionID: r.SubmissionID, Survey: r.Survey, Version: r.Version, Day: r.Day,
		Flags: r.Flags, Texts: map[string]string{}, Level: r.SafeguardingLevel()}
	sv, err := s.Surveys.FindSurvey(ctx, r.Survey)
	if err == nil {
		for _, q := range sv.Questions {
			if text, ok := r.Answers[q.ID].(string); ok && chorus.IsTextQuestion(q) && text != "" {
				d.Texts[q.ID] = text
			}
		}
		for _, sig := range sv.RiskSignals(r.Answers) {
			d.Signals = append(d.Signals, signalDoc{Question: sig.Question, Option: sig.Option})
		}
	} else {
		for q := range r.Flags {
			if text, ok := r.Answers[q].(string); ok {
				d.Texts[q] = text
			}
		}
	}
	return d
}

// OnBatch queues the risky responses of a stored batch. It fits ResponseStore.OnBatch
// (alongside the aggregates').
func (s *Safeguarding) OnBatch(ctx context.Context, stored []*chorus.Response) error {
	var docs []any
	for _, r := range stored {
		if r.Risky || len(r.Flags) > 0 {
			docs = append(docs, s.concernOf(ctx, r))
		}
	}
	if len(docs) == 0 {
		return nil
	}
	if err := insertIgnoringDuplicates(ctx, s.coll, docs); err != nil {
		return fmt.Errorf("queue risky responses: %w", err)
	}
	return nil
}

// Sync queues every stored risky response that is not in the queue, and returns how
// many it added.
func (s *Safeguarding) Sync(ctx context.Context) (int, error) {
	cur, err := s.coll.Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "submission_id", Value: 1}}))
	if err != nil {
		return 0, translate("find concerns", err)
	}
	var ids []struct {
		Sub string `bson:"submission_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return 0, translate("read concerns", err)
	}
	known := make(map[string]bool, len(ids))
	for _, x := range ids {
		known[x.Sub] = true
	}
	cur, err = s.responses.Find(ctx, bson.D{{Key: "risky", Value: true}}, options.Find().SetBatchSize(500))
	if err != nil {
		return 0, translate("find risky responses", err)
	}
	defer cur.Close(ctx)
	var docs []any
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return 0, fmt.Errorf("decode response: %w", err)
		}
		if !known[d.SubmissionID] {
			docs = append(docs, s.concernOf(ctx, fromResponseDoc(&d)))
		}
	}
	if err := cur.Err(); err != nil {
		return 0, translate("read risky responses", err)
	}
	if len(docs) == 0 {
		return 0, nil
	}
	if err := insertIgnoringDuplicates(ctx, s.coll, docs); err != nil {
		return 0, fmt.Errorf("queue risky responses: %w", err)
	}
	s.log.Warn("risky responses were missing from the safeguarding queue and have been added", "responses", len(docs))
	return len(docs), nil
}

// FindConcerns implements chorus.SafeguardingService.
func (s *Safeguarding) FindConcerns(ctx context.Context, f chorus.ConcernFilter) ([]*chorus.Concern, int, error) {
	filter := bson.D{{Key: "reviewed", Value: f.Reviewed}}
	if f.Survey != "" {
		filter = append(filter, bson.E{Key: "survey", Value: f.Survey})
	}
	all, err := findAll(ctx, s.coll, "concerns", filter, func(d *concernDoc) *concernDoc { return d })
	if err != nil {
		return nil, 0, err
	}
	// Closed-answer flags are listed apart, so that a disclosure is never buried.
	var docs []*concernDoc
	for _, d := range all {
		if (d.level() == chorus.LevelClosed) == f.Closed {
			docs = append(docs, d)
		}
	}
	// Urgent before concern, then newest first: by day, then by when they were queued.
	sort.Slice(docs, func(i, j int) bool {
		if f.Reviewed && !docs[i].ReviewedAt.Equal(docs[j].ReviewedAt) {
			return docs[i].ReviewedAt.After(docs[j].ReviewedAt)
		}
		if li, lj := chorus.LevelRank(docs[i].level()), chorus.LevelRank(docs[j].level()); !f.Reviewed && li != lj {
			return li < lj
		}
		if docs[i].Day != docs[j].Day {
			return docs[i].Day > docs[j].Day
		}
		return bytes.Compare(docs[i].ID[:], docs[j].ID[:]) > 0
	})
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	var out []*chorus.Concern
	for i := f.Offset; i < len(docs) && len(out) < limit; i++ {
		if i >= 0 {
			out = append(out, docs[i].domain())
		}
	}
	return out, len(docs), nil
}

// CountOpenConcerns implements chorus.SafeguardingService.
func (s *Safeguarding) CountOpenConcerns(ctx context.Context) (map[string]int, error) {
	cur, err := s.coll.Find(ctx, bson.D{{Key: "reviewed", Value: false}},
		options.Find().SetProjection(bson.D{{Key: "level", Value: 1}, {Key: "flags", Value: 1}}))
	if err != nil {
		return nil, translate("count concerns", err)
	}
	var docs []concernDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("count concerns", err)
	}
	counts := map[string]int{}
	for i := range docs {
		counts[docs[i].level()]++
	}
	return counts, nil
}

// level is the concern's level; concerns queued before levels existed get one from
// their flags.
func (d *concernDoc) level() string {
	return (&chorus.Concern{Level: d.Level, Flags: d.Flags}).LevelOf()
}

// maxNote is the longest note on a concern, in characters.
const maxNote = 2000

// ReviewConcern implements chorus.SafeguardingService.
func (s *Safeguarding) ReviewConcern(ctx context.Context, id, by, note string) (*chorus.Concern, error) {
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return nil, chorus.Invalid("Say what was done about this answer.", map[string]string{"note": "Say what was done, for example who it was passed to."})
	case utf8.RuneCountInString(note) > maxNote:
		return nil, chorus.Invalid("The note is too long.", map[string]string{"note": fmt.Sprintf("Use at most %d characters.", maxNote)})
	}
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "That concern does not exist.")
	}
	var d concernDoc
	if err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, chorus.Errorf(chorus.ENOTFOUND, "That concern does not exist.")
		}
		return nil, translate("find concern", err)
	}
	if d.Reviewed {
		return nil, chorus.Errorf(chorus.ECONFLICT, "Someone has already marked this answer as reviewed.")
	}
	now := day(time.Now())
	res, err := s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}, {Key: "reviewed", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "reviewed", Value: true}, {Key: "reviewed_by", Value: by},
			{Key: "reviewed_at", Value: now}, {Key: "note", Value: note}}}})
	if err != nil {
		return nil, translate("review concern", err)
	}
	if res.MatchedCount == 0 {
		return nil, chorus.Errorf(chorus.ECONFLICT, "Someone has already marked this answer as reviewed.")
	}
	d.Reviewed, d.ReviewedBy, d.ReviewedAt, d.Note = true, by, now, note
	return d.domain(), nil
}

// Queued returns which of the submission ids are in the safeguarding queue.
func (s *Safeguarding) Queued(ctx context.Context, submissionIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(submissionIDs) == 0 {
		return out, nil
	}
	cur, err := s.coll.Find(ctx, bson.D{{Key: "submission_id", Value: bson.D{{Key: "$in", Value: submissionIDs}}}},
		options.Find().SetProjection(bson.D{{Key: "submission_id", Value: 1}}))
	if err != nil {
		return nil, translate("find concerns", err)
	}
	var ids []struct {
		Sub string `bson:"submission_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return nil, translate("read concerns", err)
	}
	for _, x := range ids {
		out[x.Sub] = true
	}
	return out, nil
}
