package chorus

// Measure is a headline measure of a survey: the share of young people who answered a
// scale question (or a grid row) with one of the points that Count lists, such as
// "happy" and "very happy" on a 5-point faces scale. Measures are what briefings and
// dashboards lead with: a share of a base survives disclosure control in places where
// the count of every answer point cannot.
type Measure struct {
	ID string
	// Label names the measure for adults ("Happy with their life overall"); Young is the
	// same in young people's words ("happy with my life overall"), empty if the survey
	// gives none.
	Label, Young Text
	// Question is a scale or grid question; Item is the grid row ("" for a scale).
	Question, Item string
	// Count lists the answer points counted ("4", "5"). The base is everyone who chose a
	// point or said they did not want to say.
	Count []string
}

// SharePolicy is how a survey's measures are shown (see disclosure.SharePolicy). Zero
// fields take the defaults.
type SharePolicy struct {
	// MinBase is the smallest base a share is shown on.
	MinBase int
	// RoundTo rounds shares to this many percentage points.
	RoundTo int
	// Extremes is the smallest number of young people on either side of a share that
	// may be shown as a figure; fewer is coded as "fewer than N%" or "more than N%".
	Extremes int
}

// Measure returns the survey's measure with the id, or nil.
func (s *Survey) Measure(id string) *Measure {
	for _, m := range s.Measures {
		if m.ID == id {
			return m
		}
	}
	return nil
}
