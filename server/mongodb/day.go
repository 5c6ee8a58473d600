package mongodb

import (
	"crypto/rand"
	"encoding/binary"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Nothing stored that holds or points to a response (its answers, its text, its flags)
// carries a time finer than the day: responses keep a day, and the records made from
// them use dayID for ids and day for any time they keep (README, "Privacy").

// dayID returns a new id for a record that holds or points to a response. An ObjectID's
// first four bytes are the second it was made; here they are the start of the UTC day
// and the other eight bytes are random. Ids of one day sort together, so a day's
// records can still be found by _id (the aggregates' poll does), but the id says
// nothing finer than the day, nor in what order records of a day were made.
func dayID(now time.Time) bson.ObjectID {
	var id bson.ObjectID
	binary.BigEndian.PutUint32(id[:4], uint32(day(now).Unix()))
	_, _ = rand.Read(id[4:])
	return id
}

// day is t's UTC day: midnight at its start.
func day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
