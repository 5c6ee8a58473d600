// Package surveys ships the reference data that the binary needs wherever it runs:
// the geography tables under geo/ (see geo/SOURCES.md for their licence and attribution).
// Survey and codebook files are read from the surveys directory on disk at start.
package surveys

import "embed"

// Geo holds geo/*.csv, geo/SOURCES.md and geo/SOURCES-wales.md.
//
//go:embed geo/*.csv geo/SOURCES.md geo/SOURCES-wales.md
var Geo embed.FS

// Schema is the JSON Schema (draft 2020-12) of survey files, schema.json.
//
//go:embed schema.json
var Schema []byte
