// Package surveys ships the reference data that the binary needs wherever it runs:
// the geography tables under geo/ (see geo/SOURCES.md for their licence and attribution).
// Survey and codebook files are read from the surveys directory on disk at start.
package surveys

import "embed"

// Geo holds geo/*.csv, geo/SOURCES.md and geo/SOURCES-wales.md.
//
//go:embed geo/*.csv geo/SOURCES.md geo/SOURCES-wales.md
var Geo embed.FS

// Population holds population/children_looked_after.csv (DfE, children looked after
// per council on 31 March 2025) and population/SOURCES.md: the denominators of
// response rates in briefings and the shape of the demo data.
//
//go:embed population/*.csv population/SOURCES.md
var Population embed.FS

// Schema is the JSON Schema (draft 2020-12) of survey files, schema.json.
//
//go:embed schema.json
var Schema []byte
