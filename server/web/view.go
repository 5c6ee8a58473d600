package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"path"
	"strings"

	"compress/gzip"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/frontend"
)

// Page is embedded in every page's view model: what the layout needs.
type Page struct {
	Title     string
	Lang      string
	RequestID string
	// Respondent pages show the quick-exit button and help note.
	Respondent bool
	// CSRF is the token staff forms carry.
	CSRF string
}

func (s *Server) page(c *fiber.Ctx, title string) Page {
	return Page{Title: title, Lang: "en", RequestID: requestIDOf(c)}
}

// asset is a static file held in memory with its gzip form and ETag.
type asset struct {
	body, gz    []byte
	etag, ctype string
}

type views struct {
	pages  map[string]*template.Template
	assets map[string]*asset
}

// loadViews parses every template once and loads every static file; a missing or
// broken template stops the start.
func loadViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}, assets: map[string]*asset{}}
	err := fs.WalkDir(frontend.Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(frontend.Static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := &asset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: mime.TypeByExtension(path.Ext(p))}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if buf.Len() < len(body) {
			a.gz = buf.Bytes()
		}
		v.assets[strings.TrimPrefix(p, "static/")] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := v.assets[name]
			if !ok {
				return "", fmt.Errorf("no static file %q", name)
			}
			return "/static/" + name + "?v=" + strings.Trim(a.etag, `"`), nil
		},
		"add": func(a, b int) int { return a + b },
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(frontend.Templates, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(frontend.Templates, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		t, err := template.Must(layout.Clone()).ParseFS(frontend.Templates, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		v.pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return v, nil
}

// render writes the named page with its view model.
func (s *Server) render(c *fiber.Ctx, name string, data any) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	// Pages are not kept unless a handler said otherwise (the response's header: the
	// request's, which a reload sets to max-age=0, says nothing about this page). On a
	// shared phone, Back after sending must not show the filled questionnaire.
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return c.Send(buf.Bytes())
}

func (s *Server) registerStaticRoutes() {
	s.app.Get("/static/:name", s.handleStatic)
}

// handleStatic serves a static file from memory: ETag, gzip when accepted, and a
// year's caching when the URL carries the current version.
func (s *Server) handleStatic(c *fiber.Ctx) error {
	a, ok := s.views.assets[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	if c.Query("v") == strings.Trim(a.etag, `"`) {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderETag, a.etag)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if c.Get(fiber.HeaderIfNoneMatch) == a.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.ctype)
	if a.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(a.gz)
	}
	return c.Send(a.body)
}

type homePage struct {
	Page
}

// handleHome is the front page: what Chorus is, and the way to sign in.
func (s *Server) handleHome(c *fiber.Ctx) error {
	p := s.page(c, "Chorus")
	p.Respondent = true // a child who has lost their link may land here
	return s.render(c, "home", &homePage{Page: p})
}
