package chorus

import "time"

// DeltaRecord is how a store keeps one stored batch's counts for one survey. The
// results package packs the counts (Slots, Keys and Data are its dictionaries and a
// run of varints) and reads them back; the store keeps them as they are.
type DeltaRecord struct {
	// ID is the store's id for the delta; At is the UTC day it was written (midnight;
	// nothing finer is kept, see README "Privacy"). Both are set by the store.
	ID string
	At time.Time

	Survey string
	// Layout is the version of the packed format.
	Layout int
	// N is the number of responses the delta adds (negative when it takes some out).
	N     int64
	Slots []string
	Keys  []string
	Data  []byte
}

// SnapshotRecord is a survey's counts up to the deltas it covers.
type SnapshotRecord struct {
	Survey string
	// Gen counts the replacements of the survey's snapshot; the store sets it.
	Gen    int64
	Layout int
	N      int64
	// Covers lists the ids of the deltas already counted in the snapshot.
	Covers []string
	Slots  []string
	Keys   []string
	Data   []byte
	At     time.Time
}

// ReleaseRecord is how a store keeps one release of a survey's results: a frozen copy of
// its counts, never changed once written. The results package packs the counts (as in
// DeltaRecord) and reads them back.
type ReleaseRecord struct {
	ID     string
	Survey string
	// Seq numbers a survey's releases from 1; a store refuses a second with the same.
	Seq int
	// At is when the release was made, to the hour (UTC): nothing finer is kept.
	At time.Time
	// Responses is the number of responses the release counts.
	Responses int64
	Slots     []string
	Keys      []string
	Data      []byte
	// Frozen maps a group (as the results package names it) to the id of the release
	// whose figures it keeps.
	Frozen map[string]string
}
