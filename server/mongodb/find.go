package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

// findAll returns every document of coll that filter matches, decoded as D and converted
// by conv. what names the documents in errors ("find users", "read users").
func findAll[D, T any](ctx context.Context, coll *mongo.Collection, what string, filter any,
	conv func(*D) T, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	cur, err := coll.Find(ctx, filter, opts...)
	if err != nil {
		return nil, translate("find "+what, err)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("read "+what, err)
	}
	out := make([]T, len(docs))
	for i := range docs {
		out[i] = conv(&docs[i])
	}
	return out, nil
}

// findByID returns the document of coll whose _id is the ObjectID id is the hex of (and
// that matches also, if given), decoded as D and converted by conv. A malformed id and a
// missing document are both ENOTFOUND with the message notFound.
func findByID[D, T any](ctx context.Context, coll *mongo.Collection, what, id, notFound string, conv func(*D) T, also ...bson.E) (T, error) {
	var zero T
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return zero, chorus.Errorf(chorus.ENOTFOUND, "%s", notFound)
	}
	var d D
	if err := coll.FindOne(ctx, append(bson.D{{Key: "_id", Value: oid}}, also...)).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return zero, chorus.Errorf(chorus.ENOTFOUND, "%s", notFound)
		}
		return zero, translate("find "+what, err)
	}
	return conv(&d), nil
}
