package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("retag_staging",
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}}, Options: options.Index().SetName("survey")})
}

// jobDoc is a re-tag job in the jobs collection: one per survey, reset when the
// survey's codebook changes.
type jobDoc struct {
	ID         string    `bson:"_id"` // "retag:" + survey
	Kind       string    `bson:"kind"`
	Survey     string    `bson:"survey"`
	Revision   string    `bson:"revision"`
	RevisionAt time.Time `bson:"revision_at"`
	State      string    `bson:"state"`
	// Cursor is the _id of the last response whose new tags are stored (a submission
	// id, or the ObjectID of a response stored before _id was the submission id); the
	// job resumes after it. nil: from the start.
	Cursor     any       `bson:"cursor"`
	Done       int64     `bson:"done"`
	Total      int64     `bson:"total"`
	Answers    int64     `bson:"answers"`
	Changed    int64     `bson:"changed"`
	Owner      string    `bson:"owner"`
	LeaseUntil time.Time `bson:"lease_until"`
	StartedAt  time.Time `bson:"started_at"`
	FinishedAt time.Time `bson:"finished_at"`
	Error      string    `bson:"error"`
}

func retagJobID(survey string) string { return "retag:" + survey }

func (d *jobDoc) domain() *chorus.RetagJob {
	return &chorus.RetagJob{Survey: d.Survey, Revision: d.Revision, State: d.State, Done: int(d.Done), Total: int(d.Total),
		Answers: int(d.Answers), Changed: int(d.Changed), StartedAt: d.StartedAt, FinishedAt: d.FinishedAt, Error: d.Error}
}

// Retagger runs the re-tag jobs: when a survey's codebook revision changes, every
// stored free-text answer of the survey is tagged again, in the background, and then
// the survey's results are recounted.
//
// How it stays safe:
//   - Each survey has one job document (jobs collection). An instance that loaded a
//     codebook with another revision, after the job's revision was set, resets the job
//     to that revision (a conditional update: one instance wins).
//   - An instance runs a job only while it holds the job's lease (owner and expiry, taken
//     with a conditional update and renewed with every batch), and only with the
//     codebook revision the job names. After a crash the lease runs out and any
//     instance takes the job over, resuming after the cursor.
//   - The store updates documents one at a time slowly (FerretDB fsyncs each), so
//     changed responses are rewritten in batches: copied first to retag_staging, then
//     deleted and inserted again with their new tags, then the job's cursor moves and
//     the staging copies go. A job that finds staging copies (a crash mid-batch) puts
//     back any response missing before it carries on. Responses whose tags did not
//     change are not written at all.
type Retagger struct {
	jobs, responses, staging *mongo.Collection
	db                       *DB
	log                      *slog.Logger

	// Surveys finds the text questions of a survey.
	Surveys chorus.SurveyService
	// Codebooks lists the loaded codebooks; Tagger returns the tagging function of a
	// survey's loaded codebook and its revision.
	Codebooks func() []*chorus.Codebook
	Tagger    func(survey string) (tag func(text string) []string, revision string, ok bool)
	// Rebuild recounts a survey's results once its answers are re-tagged (nil: none).
	Rebuild func(ctx context.Context, survey string) error
	// OnDone, if set, is called on the instance that finished a survey's job.
	OnDone func(survey string)
	// Owner names this instance in leases; NewRetagger makes a random one.
	Owner string
	// Lease is how long a lease lasts without renewal (5 minutes if zero: a batch's
	// rewrite must finish within it); Batch is how many changed responses are
	// rewritten together (20,000 if zero; each rewrite reads the whole collection on
	// the embedded store).
	Lease time.Duration
	Batch int
	// AfterBatch, if set, is called after each batch with the job's progress;
	// returning false stops the job where it is, holding its lease, as if the process
	// had died. Tests use it.
	AfterBatch func(done int) bool
}

// NewRetagger returns a Retagger on db. Set its fields; RunOnce runs the jobs it can take.
func (d *DB) NewRetagger() *Retagger {
	return &Retagger{
		jobs: d.db.Collection("jobs"), responses: d.db.Collection("responses"), staging: d.db.Collection("retag_staging"),
		db: d, log: d.log, Owner: bson.NewObjectID().Hex(),
	}
}

var _ chorus.JobService = (*Retagger)(nil)

func (r *Retagger) lease() time.Duration {
	if r.Lease <= 0 {
		return 5 * time.Minute
	}
	return r.Lease
}

// FindRetagJob implements chorus.JobService.
func (r *Retagger) FindRetagJob(ctx context.Context, survey string) (*chorus.RetagJob, error) {
	var d jobDoc
	if err := r.jobs.FindOne(ctx, bson.D{{Key: "_id", Value: retagJobID(survey)}}).Decode(&d); err != nil {
		return nil, translate("find re-tag job", err)
	}
	return d.domain(), nil
}

// Ensure makes sure the survey's job is for the codebook's revision: it creates the
// job (pending) if there is none, and resets it if cb has another revision and was
// loaded after the job's revision was set. It returns the job as it now is.
func (r *Retagger) Ensure(ctx context.Context, cb *chorus.Codebook) (*chorus.RetagJob, error) {
	d, err := r.ensure(ctx, cb)
	if err != nil {
		return nil, err
	}
	return d.domain(), nil
}

func (r *Retagger) ensure(ctx context.Context, cb *chorus.Codebook) (*jobDoc, error) {
	id := retagJobID(cb.Survey)
	for range 3 {
		var d jobDoc
		err := r.jobs.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			d = jobDoc{ID: id, Kind: "retag", Survey: cb.Survey, Revision: cb.Revision, RevisionAt: cb.LoadedAt.UTC(), State: chorus.JobPending}
			_, err := r.jobs.InsertOne(ctx, d)
			if mongo.IsDuplicateKeyError(err) {
				continue
			}
			if err != nil {
				return nil, translate("insert re-tag job", err)
			}
			r.log.Info("re-tag job created", "survey", cb.Survey, "revision", cb.Revision)
			return &d, nil
		case err != nil:
			return nil, translate("find re-tag job", err)
		}
		if d.Revision == cb.Revision || !cb.LoadedAt.After(d.RevisionAt) {
			return &d, nil
		}
		res, err := r.jobs.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "revision", Value: d.Revision}},
			bson.D{{Key: "$set", Value: bson.D{
				{Key: "revision", Value: cb.Revision}, {Key: "revision_at", Value: cb.LoadedAt.UTC()},
				{Key: "state", Value: chorus.JobPending}, {Key: "cursor", Value: nil},
				{Key: "done", Value: int64(0)}, {Key: "total", Value: int64(0)}, {Key: "answers", Value: int64(0)},
				{Key: "changed", Value: int64(0)}, {Key: "owner", Value: ""}, {Key: "lease_until", Value: time.Time{}},
				{Key: "started_at", Value: time.Time{}}, {Key: "finished_at", Value: time.Time{}}, {Key: "error", Value: ""},
			}}})
		if err != nil {
			return nil, translate("reset re-tag job", err)
		}
		if res.MatchedCount == 1 {
			r.log.Info("codebook changed; re-tag job reset", "survey", cb.Survey, "from", d.Revision, "to", cb.Revision)
		}
	}
	return nil, chorus.Errorf(chorus.ECONFLICT, "The re-tag job of %s keeps changing.", cb.Survey)
}

// errLost means another instance took the job, or the job was reset.
var errLost = errors.New("re-tag job lease lost")

// errStopped means AfterBatch stopped the job.
var errStopped = errors.New("re-tag job stopped")

// claim takes the job's lease if it is free, expired or already this instance's.
func (r *Retagger) claim(ctx context.Context, survey, revision string) (*jobDoc, bool, error) {
	now := time.Now().UTC()
	res, err := r.jobs.UpdateOne(ctx, bson.D{
		{Key: "_id", Value: retagJobID(survey)},
		{Key: "revision", Value: revision},
		{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{chorus.JobPending, chorus.JobRunning, chorus.JobRecount}}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "lease_until", Value: bson.D{{Key: "$lt", Value: now}}}},
			bson.D{{Key: "owner", Value: r.Owner}},
		}},
	}, bson.D{{Key: "$set", Value: bson.D{{Key: "owner", Value: r.Owner}, {Key: "lease_until", Value: now.Add(r.lease())}}}})
	if err != nil {
		return nil, false, translate("claim re-tag job", err)
	}
	if res.MatchedCount == 0 {
		return nil, false, nil
	}
	var d jobDoc
	if err := r.jobs.FindOne(ctx, bson.D{{Key: "_id", Value: retagJobID(survey)}}).Decode(&d); err != nil {
		return nil, false, translate("find re-tag job", err)
	}
	if d.Owner != r.Owner || d.Revision != revision {
		return nil, false, nil
	}
	return &d, true, nil
}

// renew extends the lease and sets fields, if this instance still holds the job at
// its revision.
func (r *Retagger) renew(ctx context.Context, d *jobDoc, set bson.D) error {
	set = append(set, bson.E{Key: "lease_until", Value: time.Now().UTC().Add(r.lease())})
	res, err := r.jobs.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "owner", Value: r.Owner}, {Key: "revision", Value: d.Revision}},
		bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return translate("renew re-tag job", err)
	}
	if res.MatchedCount == 0 {
		return errLost
	}
	return nil
}

// RunOnce looks at every loaded codebook's job and runs, one after another, those
// this instance can take. It returns the surveys whose jobs it finished.
func (r *Retagger) RunOnce(ctx context.Context) ([]string, error) {
	var done []string
	var errs []error
	books := r.Codebooks()
	sort.Slice(books, func(i, j int) bool { return books[i].Survey < books[j].Survey })
	for _, cb := range books {
		d, err := r.ensure(ctx, cb)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if d.State == chorus.JobDone || d.Revision != cb.Revision {
			continue
		}
		finished, err := r.Run(ctx, cb.Survey)
		if err != nil {
			errs = append(errs, fmt.Errorf("re-tag %s: %w", cb.Survey, err))
		}
		if finished {
			done = append(done, cb.Survey)
		}
	}
	return done, errors.Join(errs...)
}

// Run runs the survey's job if this instance can take it (its lease is free or
// expired, and this instance has the job's codebook revision loaded), until the job is
// done, the lease is lost or ctx ends. It reports whether it finished the job.
func (r *Retagger) Run(ctx context.Context, survey string) (bool, error) {
	tag, revision, ok := r.Tagger(survey)
	if !ok {
		return false, nil
	}
	for _, cb := range r.Codebooks() {
		if cb.Survey == survey && cb.Revision == revision {
			if _, err := r.ensure(ctx, cb); err != nil {
				return false, err
			}
		}
	}
	d, ok, err := r.claim(ctx, survey, revision)
	if err != nil || !ok {
		return false, err
	}
	err = r.run(ctx, d, tag)
	switch {
	case errors.Is(err, errLost):
		r.log.Info("re-tag job taken over or reset", "survey", survey)
		return false, nil
	case errors.Is(err, errStopped):
		return false, nil
	case err != nil:
		// Let any instance try again soon; keep the progress.
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = r.renew(c, d, bson.D{{Key: "error", Value: err.Error()}, {Key: "lease_until", Value: time.Now().UTC()}})
		return false, err
	}
	if r.OnDone != nil {
		r.OnDone(survey)
	}
	return true, nil
}

func (r *Retagger) run(ctx context.Context, d *jobDoc, tag func(string) []string) error {
	if err := r.restoreStaged(ctx, d.Survey); err != nil {
		return err
	}
	sv, err := r.Surveys.FindSurvey(ctx, d.Survey)
	if err != nil {
		return err
	}
	var questions []string
	for i := range sv.Questions {
		if chorus.IsTextQuestion(sv.Questions[i]) {
			questions = append(questions, sv.Questions[i].ID)
		}
	}
	if d.State == chorus.JobPending {
		total, err := r.responses.CountDocuments(ctx, bson.D{{Key: "survey", Value: d.Survey}})
		if err != nil {
			return translate("count responses", err)
		}
		d.State, d.Total, d.StartedAt = chorus.JobRunning, total, time.Now().UTC()
		if err := r.renew(ctx, d, bson.D{{Key: "state", Value: d.State}, {Key: "total", Value: total},
			{Key: "started_at", Value: d.StartedAt}, {Key: "error", Value: ""}}); err != nil {
			return err
		}
		r.log.Info("re-tag job started", "survey", d.Survey, "revision", d.Revision, "responses", total)
	}
	if d.State == chorus.JobRunning {
		if err := r.retag(ctx, d, questions, tag); err != nil {
			return err
		}
		d.State = chorus.JobRecount
		// The cursor names a response; once every one is done it is not kept.
		if err := r.renew(ctx, d, bson.D{{Key: "state", Value: d.State}, {Key: "cursor", Value: nil}}); err != nil {
			return err
		}
	}
	if d.State == chorus.JobRecount && r.Rebuild != nil {
		if err := r.Rebuild(ctx, d.Survey); err != nil {
			return fmt.Errorf("recount results: %w", err)
		}
	}
	d.State, d.FinishedAt = chorus.JobDone, time.Now().UTC()
	if err := r.renew(ctx, d, bson.D{{Key: "state", Value: d.State}, {Key: "finished_at", Value: d.FinishedAt},
		{Key: "owner", Value: ""}, {Key: "error", Value: ""}}); err != nil {
		return err
	}
	r.log.Info("re-tag job done", "survey", d.Survey, "revision", d.Revision, "responses", d.Done,
		"answers", d.Answers, "changed", d.Changed, "seconds", time.Since(d.StartedAt).Seconds())
	return nil
}

// stagedDoc is a copy of a response about to be rewritten.
type stagedDoc struct {
	ID     any      `bson:"_id"`
	Survey string   `bson:"survey"`
	Doc    bson.Raw `bson:"doc"`
}

// restoreStaged puts back any response a crash left only in staging, then empties it.
func (r *Retagger) restoreStaged(ctx context.Context, survey string) error {
	cur, err := r.staging.Find(ctx, bson.D{{Key: "survey", Value: survey}})
	if err != nil {
		return translate("find staged responses", err)
	}
	var staged []stagedDoc
	if err := cur.All(ctx, &staged); err != nil {
		return translate("read staged responses", err)
	}
	if len(staged) == 0 {
		return nil
	}
	docs := make([]any, len(staged))
	for i, s := range staged {
		docs[i] = s.Doc
	}
	if err := insertIgnoringDuplicates(ctx, r.responses, docs); err != nil {
		return fmt.Errorf("restore staged responses: %w", err)
	}
	r.log.Warn("re-tag job found a batch interrupted mid-write and restored it", "survey", survey, "responses", len(staged))
	_, err = r.staging.DeleteMany(ctx, bson.D{{Key: "survey", Value: survey}})
	return translate("clear staged responses", err)
}

// insertIgnoringDuplicates inserts docs, unordered; documents already there are fine.
func insertIgnoringDuplicates(ctx context.Context, coll *mongo.Collection, docs []any) error {
	_, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return translate("insert", we)
			}
		}
		return nil
	}
	return translate("insert", err)
}

// retag streams the survey's responses after the cursor in _id order and rewrites the
// ones whose tags change, in batches.
func (r *Retagger) retag(ctx context.Context, d *jobDoc, questions []string, tag func(string) []string) error {
	filter := bson.D{{Key: "survey", Value: d.Survey}}
	switch c := d.Cursor.(type) {
	case string:
		// Strings sort before ObjectIDs, and $gt on a string matches only strings.
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: c}}}},
			bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: bson.NilObjectID}}}},
		}})
	case bson.ObjectID:
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: c}}})
	}
	cur, err := r.responses.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(1000))
	if err != nil {
		return translate("find responses", err)
	}
	defer cur.Close(ctx)
	batch := r.Batch
	if batch <= 0 {
		batch = 20000
	}
	var (
		changed       []bson.D
		read, answers int64
		last          any
		lastRenew     = time.Now()
		renewEvery    = r.lease() / 4
	)
	// flush stores the changed responses read so far and moves the cursor past
	// everything read.
	flush := func() error {
		if err := r.rewrite(ctx, d, changed); err != nil {
			return err
		}
		d.Cursor = last
		d.Done += read
		d.Answers += answers
		d.Changed += int64(len(changed))
		if err := r.renew(ctx, d, bson.D{{Key: "cursor", Value: d.Cursor}, {Key: "done", Value: d.Done},
			{Key: "answers", Value: d.Answers}, {Key: "changed", Value: d.Changed}}); err != nil {
			return err
		}
		if len(changed) > 0 {
			if _, err := r.staging.DeleteMany(ctx, bson.D{{Key: "survey", Value: d.Survey}}); err != nil {
				return translate("clear staged responses", err)
			}
		}
		changed, read, answers, lastRenew = changed[:0], 0, 0, time.Now()
		if r.AfterBatch != nil && !r.AfterBatch(int(d.Done)) {
			return errStopped
		}
		return nil
	}
	for cur.Next(ctx) {
		var doc bson.D
		if err := cur.Decode(&doc); err != nil {
			return fmt.Errorf("decode response: %w", err)
		}
		n, newDoc, diff := retagDoc(doc, questions, tag)
		read++
		answers += int64(n)
		last = lookup(doc, "_id")
		if diff {
			changed = append(changed, newDoc)
		}
		// Every rewrite reads the whole collection on the embedded store (it finds
		// documents by anything but one _id that way), so changed responses are
		// gathered into large batches; progress with nothing to rewrite is cheap.
		switch {
		case len(changed) >= batch, len(changed) == 0 && read >= 2000:
			if err := flush(); err != nil {
				return err
			}
		case time.Since(lastRenew) >= renewEvery:
			if err := r.renew(ctx, d, nil); err != nil {
				return err
			}
			lastRenew = time.Now()
		}
	}
	if err := cur.Err(); err != nil {
		return translate("read responses", err)
	}
	if read > 0 || len(changed) > 0 {
		return flush()
	}
	return nil
}

// rewrite stores new versions of responses: staged copies first, so that a crash
// between the delete and the insert loses nothing.
func (r *Retagger) rewrite(ctx context.Context, d *jobDoc, docs []bson.D) error {
	if len(docs) == 0 {
		return nil
	}
	// Check the lease before touching responses.
	if err := r.renew(ctx, d, nil); err != nil {
		return err
	}
	staged := make([]any, len(docs))
	ids := make(bson.A, len(docs))
	inserts := make([]any, len(docs))
	for i, doc := range docs {
		raw, err := bson.Marshal(doc)
		if err != nil {
			return fmt.Errorf("encode response: %w", err)
		}
		id := lookup(doc, "_id")
		staged[i] = stagedDoc{ID: id, Survey: d.Survey, Doc: raw}
		ids[i] = id
		inserts[i] = bson.Raw(raw)
	}
	if err := insertIgnoringDuplicates(ctx, r.staging, staged); err != nil {
		return fmt.Errorf("stage responses: %w", err)
	}
	if err := r.renew(ctx, d, nil); err != nil {
		return err
	}
	// Once deleting starts, finish inserting even if the job is being stopped.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
	defer cancel()
	if _, err := r.responses.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
		return translate("delete re-tagged responses", err)
	}
	if err := insertIgnoringDuplicates(ctx, r.responses, inserts); err != nil {
		return fmt.Errorf("insert re-tagged responses: %w", err)
	}
	return nil
}

// lookup returns the value of a key of a document, or nil.
func lookup(d bson.D, key string) any {
	for _, e := range d {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}

// retagDoc tags the text answers of a stored response and returns how many there
// were, the document with its new themes, and whether they differ from the stored
// ones.
func retagDoc(doc bson.D, questions []string, tag func(string) []string) (int, bson.D, bool) {
	answers, _ := lookup(doc, "answers").(bson.D)
	n := 0
	next := map[string][]string{}
	for _, q := range questions {
		text, ok := lookup(answers, q).(string)
		if !ok || text == "" || text == chorus.PreferNot {
			continue
		}
		n++
		if t := tag(text); len(t) > 0 {
			next[q] = t
		}
	}
	old := map[string][]string{}
	if th, ok := lookup(doc, "themes").(bson.D); ok {
		for _, e := range th {
			if a, ok := e.Value.(bson.A); ok {
				var list []string
				for _, v := range a {
					if s, ok := v.(string); ok {
						list = append(list, s)
					}
				}
				old[e.Key] = list
			}
		}
	}
	same := len(old) == len(next)
	for q, t := range next {
		same = same && slices.Equal(old[q], t)
	}
	if same {
		return n, doc, false
	}
	out := make(bson.D, 0, len(doc)+1)
	for _, e := range doc {
		if e.Key != "themes" {
			out = append(out, e)
		}
	}
	if len(next) > 0 {
		th := make(bson.D, 0, len(next))
		for _, q := range questions {
			if t, ok := next[q]; ok {
				th = append(th, bson.E{Key: q, Value: t})
			}
		}
		out = append(out, bson.E{Key: "themes", Value: th})
	}
	return n, out, true
}
