package briefing

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/chorus-voice/chorus/server/briefingpdf"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/results"
)

// saveEvery is how many PDFs are stored together (one write, and one save of progress).
const saveEvery = 25

// StartBatch starts a batch of briefings of a survey for every area of a level (only
// geo.LevelConstituency) in lang, made by user, and returns it. The work happens in the
// background (see Start); its progress is read with FindBatch.
func (s *Service) StartBatch(ctx context.Context, u *chorus.User, survey, level, lang string) (*chorus.BriefingBatch, error) {
	if s.Batches == nil {
		return nil, chorus.Errorf(chorus.EUNAVAILABLE, "Batches of briefings are not available.")
	}
	fields := map[string]string{}
	sv, err := s.Surveys.FindSurvey(ctx, strings.TrimSpace(survey))
	if chorus.ErrorCode(err) == chorus.ENOTFOUND {
		fields["survey"] = "There is no survey with that id."
	} else if err != nil {
		return nil, err
	}
	if level != geo.LevelConstituency {
		fields["level"] = `Use "constituency": briefings for every Westminster constituency.`
	}
	switch lang {
	case "":
		lang = "en"
	case "en", "cy":
	default:
		fields["lang"] = `Use "en" (English) or "cy" (Welsh).`
	}
	if len(fields) > 0 {
		return nil, chorus.Invalid("Check the survey and level.", fields)
	}
	b := &chorus.BriefingBatch{Survey: sv.ID, Level: level, Lang: lang, Total: len(s.areas(level)), CreatedBy: u.ID, CreatedAt: s.now()}
	if err := s.Batches.CreateBatch(ctx, b); err != nil {
		return nil, err
	}
	s.Kick()
	return b, nil
}

// FindBatch returns a batch.
func (s *Service) FindBatch(ctx context.Context, id string) (*chorus.BriefingBatch, error) {
	if s.Batches == nil {
		return nil, chorus.Errorf(chorus.EUNAVAILABLE, "Batches of briefings are not available.")
	}
	return s.Batches.FindBatch(ctx, id)
}

// areas lists the areas of a level, in code order.
func (s *Service) areas(level string) []geo.Constituency {
	if level != geo.LevelConstituency || s.Geo == nil {
		return nil
	}
	return s.Geo.Constituencies()
}

// WriteZIP writes a finished batch as a ZIP: every PDF, then index.csv (constituency
// code, name, council(s), file, release). It refuses (ECONFLICT) a batch that is not done,
// so a half-made ZIP is never served.
func (s *Service) WriteZIP(ctx context.Context, id string, w io.Writer) error {
	b, err := s.FindBatch(ctx, id)
	if err != nil {
		return err
	}
	switch b.State {
	case chorus.BatchFailed:
		return chorus.Errorf(chorus.ECONFLICT, "This batch of briefings failed, so it has no ZIP: start another.")
	case chorus.BatchRunning:
		return chorus.Errorf(chorus.ECONFLICT, "This batch of briefings is not finished yet (%d of %d made).", b.Done, b.Total)
	}
	zw := zip.NewWriter(w)
	var index bytes.Buffer
	cw := csv.NewWriter(&index)
	_ = cw.Write([]string{"constituency_code", "constituency_name", "councils", "file", "release"})
	n := 0
	err = s.Batches.EachBatchFile(ctx, b.ID, func(f *chorus.BriefingFile) error {
		n++
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store, Modified: b.ReleaseAt})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.PDF); err != nil {
			return err
		}
		return cw.Write([]string{f.Code, f.AreaName, f.Councils, f.Name, f.Release})
	})
	if err != nil {
		return err
	}
	if n != b.Total {
		return chorus.Errorf(chorus.EINTERNAL, "The batch holds %d briefings, not the %d it should.", n, b.Total)
	}
	cw.Flush()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "index.csv", Method: zip.Deflate, Modified: b.ReleaseAt})
	if err != nil {
		return err
	}
	if _, err := fw.Write(index.Bytes()); err != nil {
		return err
	}
	return zw.Close()
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// fileName is a briefing's name in the ZIP: "canterbury-E14001143.pdf".
func fileName(code, name string) string {
	slug := strings.Trim(notSlug.ReplaceAllString(strings.ToLower(asciiFold(name)), "-"), "-")
	return slug + "-" + code + ".pdf"
}

// asciiFold replaces the accented letters of British place names with plain ones.
func asciiFold(s string) string {
	return strings.NewReplacer("â", "a", "ê", "e", "î", "i", "ô", "o", "û", "u", "ŵ", "w", "ŷ", "y", "é", "e", "è", "e",
		"Â", "A", "Ê", "E", "Î", "I", "Ô", "O", "Û", "U", "Ŵ", "W", "Ŷ", "Y", "'", "", "’", "").Replace(s)
}

// errStopped means AfterSave stopped the batch.
var errStopped = errors.New("briefing batch stopped")

// runBatch makes a claimed batch's briefings, resuming after those already stored when
// the results have not changed since it began, and starting again from the first when
// they have (so that every briefing in it agrees).
func (s *Service) runBatch(ctx context.Context, b *chorus.BriefingBatch) error {
	if s.Pin == nil {
		return s.fail(ctx, b, errors.New("results cannot be pinned"))
	}
	pin, err := s.Pin(ctx, b.Survey)
	if err != nil {
		return s.fail(ctx, b, err)
	}
	if b.Release != pin.Release.ID {
		if b.Release != "" {
			s.logger().Info("briefing batch: results changed since it began; starting again", "batch", b.ID)
		}
		if err := s.Batches.DeleteBatchFiles(ctx, b.ID); err != nil {
			return err
		}
		b.Release, b.ReleaseAt, b.Done = pin.Release.ID, pin.Release.At, 0
		if b.ReleaseAt.IsZero() {
			b.ReleaseAt = s.now().UTC().Truncate(24 * time.Hour)
		}
		if err := s.save(ctx, b); err != nil {
			return err
		}
	}
	have, err := s.Batches.BatchFileNames(ctx, b.ID)
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for _, n := range have {
		done[n] = true
	}
	cache := &batchCache{}
	if s.Quotes != nil {
		if cache.quotes, err = s.Quotes(ctx, b.Survey); err != nil {
			return err
		}
	}
	if s.Labels != nil {
		cache.labels = s.Labels(ctx, b.Survey, b.Lang)
	}
	areas := s.areas(b.Level)
	b.Total, b.Done = len(areas), len(done)
	var pending []*chorus.BriefingFile
	flush := func() error {
		if err := s.Batches.AddBatchFiles(ctx, pending); err != nil {
			return err
		}
		b.Done += len(pending)
		pending = pending[:0]
		if err := s.save(ctx, b); err != nil {
			return err
		}
		if s.AfterSave != nil && !s.AfterSave(b.Done) {
			return errStopped
		}
		return nil
	}
	var todo []geo.Constituency
	for _, a := range areas {
		if !done[fileName(a.Code, a.Name)] {
			todo = append(todo, a)
		}
	}
	// Briefings are made by as many workers as there are processors, a chunk at a
	// time; each chunk is stored and the progress saved before the next.
	workers := max(1, runtime.GOMAXPROCS(0))
	for len(todo) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := todo[:min(saveEvery, len(todo))]
		todo = todo[len(chunk):]
		files := make([]*chorus.BriefingFile, len(chunk))
		errs := make([]error, len(chunk))
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					a := chunk[i]
					files[i], errs[i] = s.makeFile(ctx, pin, b, a, fileName(a.Code, a.Name), cache)
				}
			}()
		}
		for i := range chunk {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				return s.fail(ctx, b, fmt.Errorf("%s: %w", chunk[i].Name, err))
			}
		}
		pending = append(pending, files...)
		if err := flush(); err != nil {
			return err
		}
	}
	if err := flush(); err != nil {
		return err
	}
	names, err := s.Batches.BatchFileNames(ctx, b.ID)
	if err != nil {
		return err
	}
	if len(names) != len(areas) {
		return s.fail(ctx, b, fmt.Errorf("%d briefings stored, want %d", len(names), len(areas)))
	}
	b.State, b.Done, b.FinishedAt = chorus.BatchDone, len(names), s.now()
	return s.save(ctx, b)
}

// makeFile makes one area's briefing as a PDF.
func (s *Service) makeFile(ctx context.Context, pin *results.Pinned, b *chorus.BriefingBatch, a geo.Constituency, name string, cache *batchCache) (*chorus.BriefingFile, error) {
	cb := &chorus.Briefing{Survey: b.Survey, Area: a.Code, Level: b.Level, Councils: a.Councils}
	rb, err := s.compose(ctx, pin, cb, Request(cb, nil), b.Lang, b.ReleaseAt, b.Release, cache)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := briefingpdf.Write(&buf, rb); err != nil {
		return nil, err
	}
	var councils []string
	for _, c := range a.Councils {
		councils = append(councils, s.Geo.Name(c))
	}
	return &chorus.BriefingFile{Batch: b.ID, Name: name, Code: a.Code, AreaName: a.Name,
		Councils: strings.Join(councils, "; "), Release: b.Release, PDF: buf.Bytes()}, nil
}

func (s *Service) lease() time.Duration {
	if s.Lease <= 0 {
		return time.Minute
	}
	return s.Lease
}

func (s *Service) save(ctx context.Context, b *chorus.BriefingBatch) error {
	return s.Batches.UpdateBatch(ctx, b, s.Owner, s.lease())
}

// fail records that a batch failed; its ZIP is never served.
func (s *Service) fail(ctx context.Context, b *chorus.BriefingBatch, cause error) error {
	s.logger().Error("briefing batch failed", "batch", b.ID, "err", cause)
	b.State, b.Error, b.FinishedAt = chorus.BatchFailed, "Making the briefings failed: "+cause.Error(), s.now()
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.save(c, b); err != nil {
		return err
	}
	return cause
}

// RunOnce claims and runs batches until none is left for this instance. It reports how
// many it finished.
func (s *Service) RunOnce(ctx context.Context) (int, error) {
	if s.Batches == nil {
		return 0, nil
	}
	n := 0
	for {
		b, err := s.Batches.ClaimBatch(ctx, s.Owner, s.lease())
		if err != nil || b == nil {
			return n, err
		}
		start := time.Now()
		err = s.runBatch(ctx, b)
		switch {
		case errors.Is(err, errStopped):
			return n, nil
		case chorus.ErrorCode(err) == chorus.ECONFLICT:
			s.logger().Info("briefing batch taken over by another instance", "batch", b.ID)
			continue
		case err != nil:
			return n, err
		}
		if b.State == chorus.BatchDone {
			n++
			s.logger().Info("briefing batch done", "batch", b.ID, "briefings", b.Done, "seconds_here", time.Since(start).Seconds())
		}
	}
}

// Kick makes the background loop look for batches now.
func (s *Service) Kick() {
	if s.kick == nil {
		return
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Start runs batches in the background, looking for them every Every and whenever Kick
// is called, until Close. A batch left by a stopped or crashed instance is taken over
// once its lease runs out.
func (s *Service) Start(ctx context.Context) {
	if s.Batches == nil {
		return
	}
	if s.Owner == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		s.Owner = hex.EncodeToString(b[:])
	}
	s.kick = make(chan struct{}, 1)
	ctx, s.stop = context.WithCancel(ctx)
	s.stopped = make(chan struct{})
	every := s.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	go func() {
		defer close(s.stopped)
		if s.Ready != nil && s.Ready(ctx) != nil {
			return
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if _, err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
				s.logger().Error("briefing batches", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-s.kick:
			}
		}
	}()
}

// Close stops the background loop; a batch in progress stops after its current
// briefing and is resumed later (here or by another instance).
func (s *Service) Close() {
	if s.stop != nil {
		s.stop()
		<-s.stopped
	}
}
