package mongodb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexes lists every index Chorus needs, by collection. Creating an index that exists
// is harmless, so this runs at every start.
var indexes = map[string][]mongo.IndexModel{
	"responses": {
		{Keys: bson.D{{Key: "submission_id", Value: 1}}, Options: options.Index().SetUnique(true).SetName("submission_id_unique")},
		{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "day", Value: 1}}, Options: options.Index().SetName("survey_day")},
	},
}

// RegisterIndexes adds indexes for a collection; packages in this directory call it
// from init so each noun keeps its indexes next to its queries.
func registerIndexes(collection string, models ...mongo.IndexModel) {
	indexes[collection] = append(indexes[collection], models...)
}

func (d *DB) ensureIndexes(ctx context.Context) error {
	// One index per command: FerretDB v1 panics when a batch mixes existing and new indexes.
	for coll, models := range indexes {
		for _, m := range models {
			if _, err := d.db.Collection(coll).Indexes().CreateOne(ctx, m); err != nil {
				return translate(fmt.Sprintf("create index on %s", coll), err)
			}
		}
	}
	return nil
}
