// Package theme codes free-text answers into themes using a codebook: a
// per-survey YAML file of themes, each with words and phrases that signal it.
//
// Words and phrases are matched on Snowball English stems, so "listen"
// also matches "listened" and "listening". A match is suppressed when a
// negation ("not", "never", "don't", …) comes within three words before it
// in the same clause, and when it overlaps one of the theme's exclude
// phrases. Themes that no word or phrase covers are found with
// EmergingTerms.
package theme

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
)

// Codebook is the set of themes for one survey.
type Codebook struct {
	// Survey is the id of the survey the codebook codes.
	Survey string
	// Revision identifies the file the codebook was loaded from: the first
	// 12 hex digits of the SHA-256 of its bytes. Answers tagged under one
	// revision need re-tagging when it changes.
	Revision string
	// Themes in file order.
	Themes []Theme
}

// Theme is one theme of a codebook.
type Theme struct {
	// ID is stable and matches ^[a-z][a-z0-9_]*$.
	ID string
	// LabelYoung is the label shown to children and young people.
	LabelYoung string
	// LabelYoungCY is LabelYoung in Welsh; empty means the English label is shown.
	LabelYoungCY string
	// LabelAdult is the label shown to facilitators, boards and MPs.
	LabelAdult string
	// Description says what the theme covers, for people coding by hand.
	Description string
	// Words are single words; each matches any word with the same stem.
	Words []string
	// Phrases are runs of words, matched word by word on stems.
	Phrases []string
	// Exclude are phrases that cancel a match of this theme they overlap
	// ("leave me alone" for a "leaving care" theme that has "leave").
	Exclude []string
}

// Theme returns the theme with the given id.
func (cb *Codebook) Theme(id string) (Theme, bool) {
	for _, t := range cb.Themes {
		if t.ID == id {
			return t, true
		}
	}
	return Theme{}, false
}

// LoadFile reads and validates the codebook at path. Errors name the path.
func LoadFile(path string) (*Codebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Load(path, data)
}

// revision returns the short hex SHA-256 of data.
func revision(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:12]
}
