// Package theme codes free-text answers into themes using a codebook: a
// per-survey YAML file of themes, each with the terms that signal it and a
// scope note saying what belongs.
//
// A term matches what it says. "house" matches the word "house" only (and
// "house's"); a word written with a trailing star, "bull*", also matches every
// word with the same Snowball English stem ("bully", "bullied", "bullying"). A
// term of several words matches them in a row within one clause. A term can
// name exceptions: "family" except "part of the family" does not count where
// the exception overlaps it. A negation or a hypothetical ("not", "never",
// "if", "would") a few words before a term does not stop it counting — "I
// don't have a social worker" is about social workers — unless the term is
// marked negatable: "not bullied" is not about bullying. Welsh terms also
// match their initial mutations ("teulu" matches "nheulu" and "deulu").
//
// Themes that no term covers are found with EmergingTerms; Propose turns
// people's reviews into suggested changes to the codebook file.
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
	// Scope is the theme's scope note, shown to facilitators who review tags.
	Scope Scope
	// Terms signal the theme, from the keys terms, terms_cy, words and phrases.
	Terms []Term
	// Exclude are phrases that cancel any match of this theme they overlap
	// ("leave me alone" for a leaving-care theme that has "leave").
	Exclude []Term
	// list is where new terms can be written in the file; zero if nowhere.
	list termList
}

// Scope says what belongs in a theme, for people who code or review by hand.
type Scope struct {
	// Includes and Excludes say what belongs and what does not.
	Includes, Excludes string
	// Borderline are examples that are hard to call, each with how to call it.
	Borderline []string
}

// Term is one entry of a theme's terms.
type Term struct {
	// Text is the term as written: words, each of which may end in "*" to
	// match every word with the same stem.
	Text string
	// Except are phrases that stop this term counting where they overlap it.
	Except []string
	// Negatable terms do not count after a negation or hypothetical.
	Negatable bool
	// Welsh terms also match the initial mutations of their first word.
	Welsh bool
	// Line and EndLine are the lines the term's entry spans in its file; 0
	// when it did not come from a file or cannot be edited line by line.
	Line, EndLine int
}

// termList is where a theme's block list of terms is written in its file.
type termList struct {
	lastLine int    // the last line of the last entry
	indent   string // what comes before "- " on an entry's line
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
