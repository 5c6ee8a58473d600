// Package frontend embeds the templates and static files (CSS, JS, images) that the
// web package serves, so the binary carries everything it shows.
package frontend

import "embed"

// Templates holds templates/layout.html, templates/partials/*.html and templates/pages/*.html.
//
//go:embed templates
var Templates embed.FS

// Static holds static/*: served from memory with ETags and gzip.
//
//go:embed static
var Static embed.FS
