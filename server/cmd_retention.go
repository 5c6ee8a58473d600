package main

import (
	"context"
)

// openRetention starts the job that deletes answers older than their survey keeps
// them (one instance at a time), taking them out of the live counts first.
func (m *Main) openRetention(ctx context.Context) {
	r := m.DB.NewRetention(m.Surveys)
	if m.Aggregates != nil {
		r.Forget = m.Aggregates.Forget
	}
	r.Start(ctx)
	m.Retention = r
	m.HTTP.Retention = r
}

func (m *Main) closeRetention() {
	if m.Retention != nil {
		m.Retention.Close()
	}
}
