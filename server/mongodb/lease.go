package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Lease takes the named lease for d, reporting whether this caller got it: one
// document per name in the leases collection, with its owner and expiry, taken with a
// conditional upsert (an unexpired lease makes the upsert a duplicate key). release
// gives it back early; a holder that dies just lets it run out. Any background job
// that one instance at a time should run takes one.
func (d *DB) Lease(ctx context.Context, name string, dur time.Duration) (release func(), ok bool, err error) {
	coll := d.db.Collection("aggregate_locks") // the name predates other users of leases
	now := time.Now()
	owner := bson.NewObjectID()
	_, err = coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: name}, {Key: "until", Value: bson.D{{Key: "$lt", Value: now}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: now.Add(dur)}, {Key: "owner", Value: owner}}}},
		options.UpdateOne().SetUpsert(true))
	switch {
	case mongo.IsDuplicateKeyError(err):
		return nil, false, nil
	case err != nil:
		return nil, false, translate("take lease "+name, err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: owner}})
	}, true, nil
}
