package results

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// WriteCSV writes a report's aggregated tables as one CSV table with the columns table,
// question, item, answer, label, count, percent. Suppressed counts are written as
// disclosure.Symbol ("c"). The first rows (table "about", the field's name in answer and
// its value in label) describe the survey, the group, the level shown and the methods.
// Raw responses are never written.
func WriteCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	put := func(fields ...string) {
		_ = cw.Write(fields)
	}
	count := func(table, question, item string, c Count) {
		put(table, question, item, c.ID, clean(c.Label), c.Count.String(), pct(c.Percent))
	}
	put("table", "question", "item", "answer", "label", "count", "percent")
	about := func(label, value string) {
		if value != "" {
			put("about", "", "", label, clean(value), "", "")
		}
	}
	about("survey", rep.Survey)
	about("title", rep.Title)
	about("level", rep.Level)
	if rep.Group != nil {
		about("group", rep.Group.Label)
	}
	if rep.Area != nil {
		about("area asked for", rep.Area.Asked)
		about("areas shown", strings.Join(rep.Area.Names, "; "))
	}
	if rep.Period != nil {
		about("months", strings.Join(rep.Period.Months, " "))
	}
	about("note", rep.Note)
	about("threshold", strconv.Itoa(rep.Threshold))
	if rep.RoundedTo > 1 {
		about("rounded to", strconv.Itoa(rep.RoundedTo))
	}
	about("methods", rep.Methods)
	if rep.ContainsDemo {
		about("demo data", "These results include synthetic demo responses.")
	}
	put("base", "", "", "", "Responses", rep.Base.String(), "")
	for _, q := range rep.Questions {
		if len(q.Items) == 0 {
			put("question", q.ID, "", "", clean(q.Text), "", "")
			put("answered", q.ID, "", "", "Answered", q.Answered.String(), "")
			put("no_answer", q.ID, "", "", "Did not answer", q.NoAnswer.String(), "")
			for _, c := range q.Options {
				count("option", q.ID, "", c)
			}
			continue
		}
		put("question", q.ID, "", "", clean(q.Text), "", "")
		for _, it := range q.Items {
			put("answered", q.ID, it.ID, "", clean(it.Label), it.Answered.String(), "")
			put("no_answer", q.ID, it.ID, "", clean(it.Label), it.NoAnswer.String(), "")
			for _, c := range it.Options {
				count("option", q.ID, it.ID, c)
			}
		}
	}
	if rep.Themes != nil {
		put("answered", "themes", "", "", "Wrote something", rep.Themes.Answered.String(), "")
		for _, c := range rep.Themes.Options {
			count("theme", "", "", c)
		}
	}
	for _, c := range rep.Versions {
		count("version", "", "", c)
	}
	for _, c := range rep.AgeBands {
		count("age_band", "", "", c)
	}
	for _, c := range rep.LiveWith {
		count("live_with", "", "", c)
	}
	for _, a := range rep.Areas {
		put("area", "", a.Level, a.Code, clean(a.Name), a.Count.String(), "")
	}
	for _, c := range rep.Months {
		count("month", "", "", c)
	}
	for _, c := range rep.Weeks {
		count("week", "", "", c)
	}
	cw.Flush()
	return cw.Error()
}

// clean stops a spreadsheet from reading a label as a formula.
func clean(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func pct(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 1, 64)
}
