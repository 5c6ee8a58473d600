package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
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
