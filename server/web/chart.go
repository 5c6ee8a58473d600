package web

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/report"
)

// Charts are drawn on the server as SVG: no JavaScript, and they print. Each <svg> is
// one image to assistive technology (role="img" with a <title> and <desc>); the same
// numbers are in a table next to it, which is what screen readers use. Hidden figures
// draw no bar and are labelled "c", exactly as in the table. Colours keep at least 3:1
// contrast with the white around them.

// chartColours are the fills of a scale's points from lowest to highest, for 3- and
// 5-point scales, and for "prefer not to say".
var (
	scale5Colours   = []string{"#a4261d", "#c0562b", "#6e6e6e", "#3a7cab", "#0e3f5e"}
	scale3Colours   = []string{"#a4261d", "#6e6e6e", "#0e3f5e"}
	preferNotColour = "#7a5c99"
	barColour       = "#1a5e8a"
)

// pointColours returns a colour per point label of a grid, prefer-not last.
func pointColours(points []string, preferNot bool) []string {
	n := len(points)
	if preferNot {
		n--
	}
	var cs []string
	switch n {
	case 3:
		cs = append(cs, scale3Colours...)
	case 5:
		cs = append(cs, scale5Colours...)
	default:
		for i := range n {
			cs = append(cs, scale5Colours[i*len(scale5Colours)/max(n, 1)])
		}
	}
	if preferNot {
		cs = append(cs, preferNotColour)
	}
	return cs
}

// figure is how a count reads in a chart or table: "45", "45 (38%)", or "c".
func figure(b report.Bar) string {
	if b.Count.Suppressed() {
		return "c"
	}
	if b.Percent != nil {
		return b.Count.String() + " (" + pct(*b.Percent) + ")"
	}
	return b.Count.String()
}

func pct(p float64) string {
	return strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// wrap splits a label into lines of at most width runes, at spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

type svgWriter struct {
	b  strings.Builder
	id string
}

func (w *svgWriter) open(id string, width, height int, title, desc string) {
	w.id = id
	fmt.Fprintf(&w.b, `<svg class="chart" role="img" aria-labelledby="%[1]s-t %[1]s-d" viewBox="0 0 %[2]d %[3]d" width="%[2]d" height="%[3]d" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(id), width, height)
	fmt.Fprintf(&w.b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`,
		html.EscapeString(id), html.EscapeString(title), html.EscapeString(id), html.EscapeString(desc))
}

func (w *svgWriter) text(x, y int, anchor, class, s string) {
	fmt.Fprintf(&w.b, `<text x="%d" y="%d" text-anchor="%s" class="%s">%s</text>`, x, y, anchor, class, html.EscapeString(s))
}

func (w *svgWriter) rect(x, y, width, height int, fill string) {
	fmt.Fprintf(&w.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, x, y, width, height, fill)
}

func (w *svgWriter) close() template.HTML {
	w.b.WriteString(`</svg>`)
	return template.HTML(w.b.String()) // every piece of text above was escaped
}

// barChart draws a horizontal bar chart: a bar per answer, longest for the largest shown
// count, with its figure after it.
func barChart(id, title string, bars []report.Bar) template.HTML {
	const width, labelW, barW, lineH, pad = 720, 260, 330, 16, 8
	maxN := 0
	for _, b := range bars {
		if b.Count.Shown() {
			maxN = max(maxN, b.Count.N())
		}
	}
	type row struct {
		lines []string
		y, h  int
	}
	rows := make([]row, len(bars))
	y := pad
	for i, b := range bars {
		lines := wrap(b.Label, 34)
		h := max(len(lines)*lineH+8, 26)
		rows[i] = row{lines: lines, y: y, h: h}
		y += h + 6
	}
	height := y + pad
	var w svgWriter
	w.open(id, width, height, title, chartDesc(len(bars), "answer"))
	for i, b := range bars {
		r := rows[i]
		for j, l := range r.lines {
			w.text(labelW-10, r.y+4+lineH*(j+1)-3, "end", "label", l)
		}
		mid := r.y + r.h/2 + 5
		if b.Count.Suppressed() {
			w.text(labelW+4, mid, "start", "value", "c (hidden)")
			continue
		}
		bw := 0
		if maxN > 0 {
			bw = b.Count.N() * barW / maxN
		}
		if b.Count.N() > 0 {
			bw = max(bw, 2)
		}
		w.rect(labelW, r.y+3, bw, r.h-6, barColour)
		w.text(labelW+bw+6, mid, "start", "value", figure(b))
	}
	return w.close()
}

// columnChart draws responses over time: a column per week, oldest on the left.
func columnChart(id, title string, bars []report.Bar) template.HTML {
	const height, top, bottom, left = 220, 24, 44, 8
	n := max(len(bars), 1)
	colW := min(48, max(12, 680/n))
	width := left*2 + colW*n
	maxN := 0
	for _, b := range bars {
		if b.Count.Shown() {
			maxN = max(maxN, b.Count.N())
		}
	}
	plotH := height - top - bottom
	every := 1
	if colW < 30 {
		every = (30 + colW - 1) / colW
	}
	var w svgWriter
	w.open(id, width, height, title, chartDesc(len(bars), "week"))
	for i, b := range bars {
		x := left + i*colW
		if b.Count.Shown() && maxN > 0 {
			h := max(b.Count.N()*plotH/maxN, 2)
			w.rect(x+2, top+plotH-h, colW-4, h, barColour)
			if colW >= 30 {
				w.text(x+colW/2, top+plotH-h-4, "middle", "value", b.Count.String())
			}
		} else if b.Count.Suppressed() {
			w.text(x+colW/2, top+plotH-4, "middle", "value", "c")
		}
		if i%every == 0 {
			_, wk, _ := strings.Cut(b.ID, "-")
			w.text(x+colW/2, height-bottom+16, "middle", "label", wk)
		}
	}
	w.text(width/2, height-6, "middle", "label", "ISO week")
	return w.close()
}

// stackedChart draws a grid question: a bar per item split by the share of each point,
// with the hidden share drawn as a grey hatched remainder.
func stackedChart(id, title string, c report.Chart) template.HTML {
	const width, labelW, barW, lineH, pad = 720, 260, 440, 16, 8
	preferNot := len(c.Points) > 0 && c.Points[len(c.Points)-1] == report.PreferNotLabel
	colours := pointColours(c.Points, preferNot)
	y := pad
	var w svgWriter
	type row struct {
		lines []string
		y, h  int
	}
	rows := make([]row, len(c.Items))
	for i, it := range c.Items {
		lines := wrap(it.Label, 34)
		h := max(len(lines)*lineH+8, 26)
		rows[i] = row{lines, y, h}
		y += h + 6
	}
	legendY := y + 10
	height := legendY + 20*((len(c.Points)+3)/3) + pad
	w.open(id, width, height, title, chartDesc(len(c.Items), "row"))
	w.b.WriteString(`<defs><pattern id="` + html.EscapeString(id) + `-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="2" height="6" fill="#6e6e6e"/></pattern></defs>`)
	for i, it := range c.Items {
		r := rows[i]
		for j, l := range r.lines {
			w.text(labelW-10, r.y+4+lineH*(j+1)-3, "end", "label", l)
		}
		if it.Base.Suppressed() {
			w.text(labelW+4, r.y+r.h/2+5, "start", "value", "c (hidden)")
			continue
		}
		x := labelW
		used := 0.0
		for k, b := range it.Bars {
			if b.Percent == nil {
				continue
			}
			segW := int(*b.Percent * barW / 100)
			if segW <= 0 {
				continue
			}
			w.rect(x, r.y+3, max(segW-2, 1), r.h-6, colours[min(k, len(colours)-1)])
			x += segW
			used += *b.Percent
		}
		if rest := labelW + barW - x; rest > 2 && used < 99.5 {
			fmt.Fprintf(&w.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="url(#%s-hatch)"/>`, x, r.y+3, rest-2, r.h-6, html.EscapeString(id))
		}
	}
	for k, p := range c.Points {
		lx := labelW + (k%3)*150
		ly := legendY + (k/3)*20
		w.rect(lx, ly-11, 12, 12, colours[min(k, len(colours)-1)])
		w.text(lx+18, ly, "start", "label", p)
	}
	k := len(c.Points)
	lx, ly := labelW+(k%3)*150, legendY+(k/3)*20
	fmt.Fprintf(&w.b, `<rect x="%d" y="%d" width="12" height="12" fill="url(#%s-hatch)" stroke="#6e6e6e"/>`, lx, ly-11, html.EscapeString(id))
	w.text(lx+18, ly, "start", "label", "Hidden (c)")
	return w.close()
}

func chartDesc(n int, what string) string {
	s := what + "s"
	if n == 1 {
		s = what
	}
	return fmt.Sprintf("Bar chart of %d %s. The same numbers are in the table after the chart; c means hidden to protect young people's privacy.", n, s)
}
