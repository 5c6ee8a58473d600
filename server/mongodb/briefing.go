package mongodb

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("briefings",
		mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: -1}}, Options: options.Index().SetName("created")},
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "created_at", Value: -1}}, Options: options.Index().SetName("survey_created")})
}

// BriefingService stores saved briefings in the briefings collection.
type BriefingService struct{ db *DB }

// NewBriefingService returns a BriefingService on db.
func NewBriefingService(db *DB) *BriefingService { return &BriefingService{db: db} }

var _ chorus.BriefingService = (*BriefingService)(nil)

type briefingDoc struct {
	ID         bson.ObjectID `bson:"_id"`
	Survey     string        `bson:"survey"`
	Area       string        `bson:"area"`
	Level      string        `bson:"level"`
	Councils   []string      `bson:"councils"`
	Title      string        `bson:"title"`
	Shown      string        `bson:"shown"`
	ShownLevel string        `bson:"shown_level"`
	Reason     string        `bson:"reason"`
	Results    *resultsDoc   `bson:"results,omitempty"`
	CreatedBy  string        `bson:"created_by"`
	CreatedAt  time.Time     `bson:"created_at"`
}

// resultsDoc is a snapshot of chorus.Results. Maps are stored as lists of pairs so
// that no id ever becomes a field name (ids with "." or "$" would break).
type resultsDoc struct {
	Survey    string        `bson:"survey"`
	Filter    filterDoc     `bson:"filter"`
	Base      int           `bson:"base"`
	Questions []questionDoc `bson:"questions"`
	Themes    []countDoc    `bson:"themes"`
	Weeks     []countDoc    `bson:"weeks"`
	Versions  []countDoc    `bson:"versions"`
}

type filterDoc struct {
	Version  string   `bson:"version,omitempty"`
	AgeBand  string   `bson:"age_band,omitempty"`
	LiveWith string   `bson:"live_with,omitempty"`
	Areas    []string `bson:"areas,omitempty"`
	From     string   `bson:"from,omitempty"`
	To       string   `bson:"to,omitempty"`
}

type questionDoc struct {
	Question string          `bson:"question"`
	Answered int             `bson:"answered"`
	Options  []countDoc      `bson:"options"`
	Items    []namedCountDoc `bson:"items,omitempty"`
}

type countDoc struct {
	K string `bson:"k"`
	N int    `bson:"n"`
}

type namedCountDoc struct {
	Name   string     `bson:"name"`
	Counts []countDoc `bson:"counts"`
}

func toCounts(m map[string]int) []countDoc {
	out := make([]countDoc, 0, len(m))
	for k, n := range m {
		out = append(out, countDoc{K: k, N: n})
	}
	slices.SortFunc(out, func(a, b countDoc) int {
		switch {
		case a.K < b.K:
			return -1
		case a.K > b.K:
			return 1
		}
		return 0
	})
	return out
}

func fromCounts(cs []countDoc) map[string]int {
	if len(cs) == 0 {
		return nil
	}
	m := make(map[string]int, len(cs))
	for _, c := range cs {
		m[c.K] += c.N
	}
	return m
}

func toNamed(m map[string]map[string]int) []namedCountDoc {
	out := make([]namedCountDoc, 0, len(m))
	for name, counts := range m {
		out = append(out, namedCountDoc{Name: name, Counts: toCounts(counts)})
	}
	slices.SortFunc(out, func(a, b namedCountDoc) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

func fromNamed(ns []namedCountDoc) map[string]map[string]int {
	if len(ns) == 0 {
		return nil
	}
	m := make(map[string]map[string]int, len(ns))
	for _, n := range ns {
		m[n.Name] = fromCounts(n.Counts)
	}
	return m
}

func toResultsDoc(r *chorus.Results) *resultsDoc {
	if r == nil {
		return nil
	}
	d := &resultsDoc{
		Survey: r.Survey, Base: r.Base,
		Filter: filterDoc{Version: r.Filter.Version, AgeBand: r.Filter.AgeBand, LiveWith: r.Filter.LiveWith,
			Areas: r.Filter.Areas, From: r.Filter.From, To: r.Filter.To},
		Themes: toCounts(r.Themes), Weeks: toCounts(r.Weeks), Versions: toCounts(r.Versions),
		Questions: make([]questionDoc, len(r.Questions)),
	}
	for i, q := range r.Questions {
		d.Questions[i] = questionDoc{Question: q.Question, Answered: q.Answered, Options: toCounts(q.Options), Items: toNamed(q.Items)}
	}
	return d
}

func (d *resultsDoc) results() *chorus.Results {
	if d == nil {
		return nil
	}
	r := &chorus.Results{
		Survey: d.Survey, Base: d.Base,
		Filter: chorus.Filter{Version: d.Filter.Version, AgeBand: d.Filter.AgeBand, LiveWith: d.Filter.LiveWith,
			Areas: d.Filter.Areas, From: d.Filter.From, To: d.Filter.To},
		Themes: fromCounts(d.Themes), Weeks: fromCounts(d.Weeks), Versions: fromCounts(d.Versions),
		Questions: make([]chorus.QuestionCounts, len(d.Questions)),
	}
	for i, q := range d.Questions {
		r.Questions[i] = chorus.QuestionCounts{Question: q.Question, Answered: q.Answered, Options: fromCounts(q.Options), Items: fromNamed(q.Items)}
	}
	return r
}

func (d *briefingDoc) briefing() *chorus.Briefing {
	councils := d.Councils
	if len(councils) == 0 {
		councils = nil
	}
	return &chorus.Briefing{
		ID: d.ID.Hex(), Survey: d.Survey, Area: d.Area, Level: d.Level, Councils: councils, Title: d.Title,
		Shown: d.Shown, ShownLevel: d.ShownLevel, Reason: d.Reason, Results: d.Results.results(),
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt,
	}
}

func (s *BriefingService) coll() *mongo.Collection { return s.db.db.Collection("briefings") }

// CreateBriefing stores b and sets its ID and, if zero, its CreatedAt.
func (s *BriefingService) CreateBriefing(ctx context.Context, b *chorus.Briefing) error {
	created := b.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	d := briefingDoc{
		ID: bson.NewObjectID(), Survey: b.Survey, Area: b.Area, Level: b.Level, Councils: b.Councils, Title: b.Title,
		Shown: b.Shown, ShownLevel: b.ShownLevel, Reason: b.Reason, Results: toResultsDoc(b.Results),
		CreatedBy: b.CreatedBy, CreatedAt: created.UTC().Truncate(time.Millisecond),
	}
	if _, err := s.coll().InsertOne(ctx, d); err != nil {
		return translate("insert briefing", err)
	}
	b.ID, b.CreatedAt = d.ID.Hex(), d.CreatedAt
	return nil
}

// FindBriefing returns ENOTFOUND if no briefing has that id.
func (s *BriefingService) FindBriefing(ctx context.Context, id string) (*chorus.Briefing, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "No such briefing.")
	}
	var d briefingDoc
	if err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&d); err != nil {
		if chorus.ErrorCode(translate("", err)) == chorus.ENOTFOUND {
			return nil, chorus.Errorf(chorus.ENOTFOUND, "No such briefing.")
		}
		return nil, translate("find briefing", err)
	}
	return d.briefing(), nil
}

// FindBriefings returns the briefings matching f, newest first, without their Results.
func (s *BriefingService) FindBriefings(ctx context.Context, f chorus.BriefingFilter) ([]*chorus.Briefing, error) {
	filter := bson.D{}
	if f.Survey != "" {
		filter = append(filter, bson.E{Key: "survey", Value: bson.D{{Key: "$eq", Value: f.Survey}}})
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	cur, err := s.coll().Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: "results", Value: 0}}))
	if err != nil {
		return nil, translate("find briefings", err)
	}
	var docs []briefingDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("read briefings", err)
	}
	out := make([]*chorus.Briefing, len(docs))
	for i := range docs {
		out[i] = docs[i].briefing()
	}
	return out, nil
}
