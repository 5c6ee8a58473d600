// Package intake takes children's responses: it finds the survey, validates the
// answers, redacts free text, tags themes, spots risk, and hands the response to the
// store. It also keeps the catalog of surveys loaded from files.
package intake

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// Catalog holds the surveys loaded from a directory and reloads them on request.
type Catalog struct {
	dir   string
	areas []chorus.Area
	log   *slog.Logger
	now   func() time.Time

	mu        sync.Mutex // serialises reloads
	surveys   atomic.Pointer[map[string]*chorus.Survey]
	codebooks atomic.Pointer[map[string]*loadedCodebook] // by survey id (see codebook.go)

	// OnReload, if set, is called after each successful Reload (main starts the
	// re-tag jobs of changed codebooks with it).
	OnReload func()
}

// NewCatalog loads every survey in dir. A file with errors is left out and its errors
// are logged (file:line: message); the others are served.
func NewCatalog(dir string, areas []chorus.Area, log *slog.Logger) *Catalog {
	return NewCatalogAt(dir, areas, log, time.Now)
}

// NewCatalogAt is NewCatalog with a clock: which surveys are open, and which codebook
// revisions are in force, are decided by now.
func NewCatalogAt(dir string, areas []chorus.Area, log *slog.Logger, now func() time.Time) *Catalog {
	c := &Catalog{dir: dir, areas: areas, log: log, now: now}
	list, err := surveyfile.LoadDir(dir, areas)
	if err != nil {
		log.Error("some survey files have errors and were not loaded", "errors", err.Error())
	}
	c.set(list)
	books, err := loadCodebooks(dir, *c.surveys.Load(), nil, c.now())
	if err != nil {
		log.Error("some codebook files have errors and were not loaded", "errors", err.Error())
	}
	c.setCodebooks(books)
	return c
}

func (c *Catalog) set(list []*chorus.Survey) {
	m := make(map[string]*chorus.Survey, len(list))
	for _, s := range list {
		m[s.ID] = s
	}
	c.surveys.Store(&m)
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	c.log.Info("surveys loaded", "surveys", ids)
}

// Dir is the directory the surveys are loaded from.
func (c *Catalog) Dir() string { return c.dir }

// OpenSurveys implements chorus.SurveyService.
func (c *Catalog) OpenSurveys(context.Context) []*chorus.Survey {
	now := c.now()
	var out []*chorus.Survey
	for _, s := range *c.surveys.Load() {
		if s.IsOpen(now) {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// FindSurvey implements chorus.SurveyService.
func (c *Catalog) FindSurvey(_ context.Context, id string) (*chorus.Survey, error) {
	if s, ok := (*c.surveys.Load())[id]; ok {
		return s, nil
	}
	return nil, chorus.Errorf(chorus.ENOTFOUND, "There is no survey called %q.", id)
}

// Reload implements chorus.SurveyService: all files load, or nothing changes.
func (c *Catalog) Reload(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	list, err := surveyfile.LoadDir(c.dir, c.areas)
	if err != nil {
		return chorus.Wrap(chorus.EINVALID, err, "The survey files have errors; the running surveys were kept.\n"+err.Error())
	}
	byID := make(map[string]*chorus.Survey, len(list))
	for _, s := range list {
		byID[s.ID] = s
	}
	books, err := loadCodebooks(c.dir, byID, *c.codebooks.Load(), c.now())
	if err != nil {
		return chorus.Wrap(chorus.EINVALID, err, "The codebook files have errors; the running surveys and codebooks were kept.\n"+err.Error())
	}
	c.set(list)
	c.setCodebooks(books)
	if c.OnReload != nil {
		c.OnReload()
	}
	return nil
}
