package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("briefing_files",
		mongo.IndexModel{Keys: bson.D{{Key: "batch", Value: 1}, {Key: "name", Value: 1}}, Options: options.Index().SetName("batch_name").SetUnique(true)})
}

// BriefingBatches stores batches of briefings (briefing_batches) and their PDFs
// (briefing_files, one document per PDF). A batch is run by the instance holding its
// lease, as the re-tag jobs are: the lease (owner and expiry) is taken with a
// conditional update and renewed with every save, so after a crash or a restart any
// instance takes the batch over once the lease runs out, and a stale owner's saves fail.
type BriefingBatches struct{ db *DB }

// NewBriefingBatches returns the batch store on db.
func NewBriefingBatches(db *DB) *BriefingBatches { return &BriefingBatches{db: db} }

var _ chorus.BriefingBatchService = (*BriefingBatches)(nil)

type batchDoc struct {
	ID         bson.ObjectID `bson:"_id"`
	Survey     string        `bson:"survey"`
	Level      string        `bson:"level"`
	Lang       string        `bson:"lang"`
	State      string        `bson:"state"`
	Release    string        `bson:"release"`
	ReleaseAt  time.Time     `bson:"release_at"`
	Done       int           `bson:"done"`
	Total      int           `bson:"total"`
	Error      string        `bson:"error"`
	CreatedBy  string        `bson:"created_by"`
	CreatedAt  time.Time     `bson:"created_at"`
	FinishedAt time.Time     `bson:"finished_at"`
	Owner      string        `bson:"owner"`
	LeaseUntil time.Time     `bson:"lease_until"`
}

func (d *batchDoc) domain() *chorus.BriefingBatch {
	return &chorus.BriefingBatch{ID: d.ID.Hex(), Survey: d.Survey, Level: d.Level, Lang: d.Lang, State: d.State,
		Release: d.Release, ReleaseAt: d.ReleaseAt, Done: d.Done, Total: d.Total, Error: d.Error,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, FinishedAt: d.FinishedAt}
}

type batchFileDoc struct {
	ID       bson.ObjectID `bson:"_id"`
	Batch    string        `bson:"batch"`
	Name     string        `bson:"name"`
	Code     string        `bson:"code"`
	AreaName string        `bson:"area_name"`
	Councils string        `bson:"councils"`
	Release  string        `bson:"release"`
	PDF      []byte        `bson:"pdf"`
}

func (s *BriefingBatches) batches() *mongo.Collection { return s.db.db.Collection("briefing_batches") }
func (s *BriefingBatches) files() *mongo.Collection   { return s.db.db.Collection("briefing_files") }

// CreateBatch implements chorus.BriefingBatchService.
func (s *BriefingBatches) CreateBatch(ctx context.Context, b *chorus.BriefingBatch) error {
	d := batchDoc{ID: bson.NewObjectID(), Survey: b.Survey, Level: b.Level, Lang: b.Lang, State: chorus.BatchRunning,
		Total: b.Total, CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt.UTC().Truncate(time.Millisecond)}
	if _, err := s.batches().InsertOne(ctx, d); err != nil {
		return translate("insert briefing batch", err)
	}
	b.ID, b.State = d.ID.Hex(), d.State
	return nil
}

// FindBatch implements chorus.BriefingBatchService.
func (s *BriefingBatches) FindBatch(ctx context.Context, id string) (*chorus.BriefingBatch, error) {
	return findByID(ctx, s.batches(), "briefing batch", id, "No such batch of briefings.", (*batchDoc).domain)
}

// ClaimBatch implements chorus.BriefingBatchService.
func (s *BriefingBatches) ClaimBatch(ctx context.Context, owner string, lease time.Duration) (*chorus.BriefingBatch, error) {
	now := time.Now().UTC()
	cur, err := s.batches().Find(ctx, bson.D{{Key: "state", Value: chorus.BatchRunning}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
	if err != nil {
		return nil, translate("find briefing batches", err)
	}
	var docs []batchDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("read briefing batches", err)
	}
	for _, d := range docs {
		if d.Owner != "" && d.Owner != owner && d.LeaseUntil.After(now) {
			continue
		}
		res, err := s.batches().UpdateOne(ctx, bson.D{
			{Key: "_id", Value: d.ID}, {Key: "state", Value: chorus.BatchRunning},
			{Key: "owner", Value: d.Owner}, {Key: "lease_until", Value: d.LeaseUntil},
		}, bson.D{{Key: "$set", Value: bson.D{{Key: "owner", Value: owner}, {Key: "lease_until", Value: now.Add(lease)}}}})
		if err != nil {
			return nil, translate("claim briefing batch", err)
		}
		if res.MatchedCount == 1 {
			return d.domain(), nil
		}
	}
	return nil, nil
}

// UpdateBatch implements chorus.BriefingBatchService.
func (s *BriefingBatches) UpdateBatch(ctx context.Context, b *chorus.BriefingBatch, owner string, lease time.Duration) error {
	oid, err := bson.ObjectIDFromHex(b.ID)
	if err != nil {
		return chorus.Errorf(chorus.ENOTFOUND, "No such batch of briefings.")
	}
	set := bson.D{
		{Key: "state", Value: b.State}, {Key: "release", Value: b.Release}, {Key: "release_at", Value: b.ReleaseAt.UTC()},
		{Key: "done", Value: b.Done}, {Key: "total", Value: b.Total}, {Key: "error", Value: b.Error},
		{Key: "finished_at", Value: b.FinishedAt.UTC()}, {Key: "lease_until", Value: time.Now().UTC().Add(lease)},
	}
	if b.State != chorus.BatchRunning {
		set = append(set, bson.E{Key: "owner", Value: ""})
	}
	res, err := s.batches().UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}, {Key: "owner", Value: owner}, {Key: "state", Value: chorus.BatchRunning}},
		bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return translate("save briefing batch", err)
	}
	if res.MatchedCount == 0 {
		return chorus.Errorf(chorus.ECONFLICT, "Another instance has taken over this batch of briefings.")
	}
	return nil
}

// AddBatchFiles implements chorus.BriefingBatchService.
func (s *BriefingBatches) AddBatchFiles(ctx context.Context, files []*chorus.BriefingFile) error {
	if len(files) == 0 {
		return nil
	}
	docs := make([]any, len(files))
	for i, f := range files {
		docs[i] = batchFileDoc{ID: bson.NewObjectID(), Batch: f.Batch, Name: f.Name, Code: f.Code, AreaName: f.AreaName,
			Councils: f.Councils, Release: f.Release, PDF: f.PDF}
	}
	return insertIgnoringDuplicates(ctx, s.files(), docs)
}

// BatchFileNames implements chorus.BriefingBatchService.
func (s *BriefingBatches) BatchFileNames(ctx context.Context, batch string) ([]string, error) {
	cur, err := s.files().Find(ctx, bson.D{{Key: "batch", Value: batch}}, options.Find().SetProjection(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, translate("find briefing files", err)
	}
	var docs []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("read briefing files", err)
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Name
	}
	return out, nil
}

// DeleteBatchFiles implements chorus.BriefingBatchService.
func (s *BriefingBatches) DeleteBatchFiles(ctx context.Context, batch string) error {
	_, err := s.files().DeleteMany(ctx, bson.D{{Key: "batch", Value: batch}})
	return translate("delete briefing files", err)
}

// EachBatchFile implements chorus.BriefingBatchService.
func (s *BriefingBatches) EachBatchFile(ctx context.Context, batch string, fn func(*chorus.BriefingFile) error) error {
	cur, err := s.files().Find(ctx, bson.D{{Key: "batch", Value: batch}}, options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return translate("find briefing files", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d batchFileDoc
		if err := cur.Decode(&d); err != nil {
			return translate("read briefing file", err)
		}
		if err := fn(&chorus.BriefingFile{Batch: d.Batch, Name: d.Name, Code: d.Code, AreaName: d.AreaName,
			Councils: d.Councils, Release: d.Release, PDF: d.PDF}); err != nil {
			return err
		}
	}
	return translate("read briefing files", cur.Err())
}
