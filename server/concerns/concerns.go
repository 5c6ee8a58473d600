// Package concerns is the safeguarding queue: responses that suggest a child may be
// at risk wait there, urgent first, until a facilitator records what was done. It
// decides what a concern holds, the order people see them in and who may close one;
// it stores through chorus.ConcernStore.
package concerns

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chorus-voice/chorus/server/chorus"
)

// MaxNote is the longest note on a concern, in characters.
const MaxNote = 2000

// Queue implements chorus.SafeguardingService. Responses join it as they are stored
// (OnBatch); Sync adds any that a crash between storing a batch and queueing it left
// out.
type Queue struct {
	Store chorus.ConcernStore
	// Surveys finds the text questions and risk signals of each response's survey.
	Surveys chorus.SurveyService
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	Log *slog.Logger
}

var _ chorus.SafeguardingService = (*Queue)(nil)

func (q *Queue) now() time.Time {
	if q.Now != nil {
		return q.Now()
	}
	return time.Now()
}

// concernOf makes the queue entry of a risky response: every free-text answer (so the
// reader sees what was written around a flag) and the closed answers that are risk
// signals.
func (q *Queue) concernOf(ctx context.Context, r *chorus.Response) *chorus.ConcernRecord {
	c := &chorus.ConcernRecord{SubmissionID: r.SubmissionID, Concern: chorus.Concern{Survey: r.Survey, Version: r.Version,
		Day: r.Day, Flags: r.Flags, Texts: map[string]string{}, Level: r.SafeguardingLevel()}}
	sv, err := q.Surveys.FindSurvey(ctx, r.Survey)
	if err != nil { // the survey's file is gone: keep at least the flagged words
		for qid := range r.Flags {
			if text, ok := r.Answers[qid].(string); ok {
				c.Texts[qid] = text
			}
		}
		return c
	}
	for _, qu := range sv.Questions {
		if text, ok := r.Answers[qu.ID].(string); ok && chorus.IsTextQuestion(qu) && text != "" {
			c.Texts[qu.ID] = text
		}
	}
	c.Signals = sv.RiskSignals(r.Answers)
	return c
}

func risky(r *chorus.Response) bool { return r.Risky || len(r.Flags) > 0 }

// OnBatch queues the risky responses of a stored batch. It fits ResponseStore.OnBatch
// (alongside the counts').
func (q *Queue) OnBatch(ctx context.Context, stored []*chorus.Response) error {
	var rs []*chorus.ConcernRecord
	for _, r := range stored {
		if risky(r) {
			rs = append(rs, q.concernOf(ctx, r))
		}
	}
	if err := q.Store.InsertConcerns(ctx, rs); err != nil {
		return fmt.Errorf("queue risky responses: %w", err)
	}
	return nil
}

// Sync queues every stored risky response that is not in the queue, and returns how
// many it added.
func (q *Queue) Sync(ctx context.Context) (int, error) {
	known, err := q.Store.QueuedAll(ctx)
	if err != nil {
		return 0, err
	}
	var rs []*chorus.ConcernRecord
	err = q.Store.EachRiskyResponse(ctx, func(r *chorus.Response) error {
		if !known[r.SubmissionID] {
			rs = append(rs, q.concernOf(ctx, r))
		}
		return nil
	})
	if err != nil || len(rs) == 0 {
		return 0, err
	}
	if err := q.Store.InsertConcerns(ctx, rs); err != nil {
		return 0, fmt.Errorf("queue risky responses: %w", err)
	}
	q.Log.Warn("risky responses were missing from the safeguarding queue and have been added", "responses", len(rs))
	return len(rs), nil
}

// FindConcerns implements chorus.SafeguardingService.
func (q *Queue) FindConcerns(ctx context.Context, f chorus.ConcernFilter) ([]*chorus.Concern, int, error) {
	all, err := q.Store.FindConcernRecords(ctx, f.Survey, f.Reviewed)
	if err != nil {
		return nil, 0, err
	}
	// Closed-answer flags are listed apart, so that a disclosure is never buried.
	var cs []*chorus.Concern
	for _, r := range all {
		if (r.Level == chorus.LevelClosed) == f.Closed {
			cs = append(cs, &r.Concern)
		}
	}
	// Open: urgent before concern, then newest first: by day, then by id (which says
	// nothing finer than the day). Reviewed: most recently reviewed first.
	sort.Slice(cs, func(i, j int) bool {
		if f.Reviewed && !cs[i].ReviewedAt.Equal(cs[j].ReviewedAt) {
			return cs[i].ReviewedAt.After(cs[j].ReviewedAt)
		}
		if li, lj := chorus.LevelRank(cs[i].Level), chorus.LevelRank(cs[j].Level); !f.Reviewed && li != lj {
			return li < lj
		}
		if cs[i].Day != cs[j].Day {
			return cs[i].Day > cs[j].Day
		}
		return cs[i].ID > cs[j].ID
	})
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	start := min(max(f.Offset, 0), len(cs))
	return cs[start:min(start+limit, len(cs))], len(cs), nil
}

// CountOpenConcerns implements chorus.SafeguardingService.
func (q *Queue) CountOpenConcerns(ctx context.Context) (map[string]int, error) {
	levels, err := q.Store.OpenConcernLevels(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, l := range levels {
		counts[l]++
	}
	return counts, nil
}

// ReviewConcern implements chorus.SafeguardingService.
func (q *Queue) ReviewConcern(ctx context.Context, id, by, note string) (*chorus.Concern, error) {
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return nil, chorus.Invalid("Say what was done about this answer.", map[string]string{"note": "Say what was done, for example who it was passed to."})
	case utf8.RuneCountInString(note) > MaxNote:
		return nil, chorus.Invalid("The note is too long.", map[string]string{"note": fmt.Sprintf("Use at most %d characters.", MaxNote)})
	}
	r, err := q.Store.FindConcernRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Reviewed() {
		return nil, chorus.Errorf(chorus.ECONFLICT, "Someone has already marked this answer as reviewed.")
	}
	if err := q.Store.MarkConcernReviewed(ctx, r.ID, by, note, q.now()); err != nil {
		return nil, err
	}
	if r, err = q.Store.FindConcernRecord(ctx, id); err != nil {
		return nil, err
	}
	return &r.Concern, nil
}

// Queued returns which of the submission ids are in the queue (quotes are never taken
// from them).
func (q *Queue) Queued(ctx context.Context, submissionIDs []string) (map[string]bool, error) {
	return q.Store.Queued(ctx, submissionIDs)
}
