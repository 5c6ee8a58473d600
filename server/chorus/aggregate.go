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
