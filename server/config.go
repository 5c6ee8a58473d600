package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/report"
)

// Config is the whole configuration, read from the environment and validated at start.
type Config struct {
	Port           int
	DataDir        string
	MongoURI       string
	Database       string
	SurveysDir     string
	JWTSecret      string
	AdminEmail     string
	TrustedProxies []string
	RequestTimeout time.Duration
	BodyLimit      int
	SubmitsPerMin  int
	LogLevel       string
	// PProf is a loopback address for net/http/pprof; empty (the default) serves none.
	PProf string
	// PublicURL is the address people use to reach Chorus; absolute links use it.
	PublicURL string
	// MetricsToken lets callers off loopback read /metrics as a bearer token.
	MetricsToken string
	// OrgName, OrgContact and DayOfAction are printed on every briefing: who made it,
	// how to reach them, and the day of the Day of Action (zero: none).
	OrgName, OrgContact string
	DayOfAction         time.Time
	// ReleaseInterval is the least time between two releases of a survey's results.
	ReleaseInterval time.Duration
}

// setting documents one environment variable for --help.
type setting struct {
	name, def, help string
}

var settings = []setting{
	{"PORT", "8080", "TCP port to serve HTTP on"},
	{"CHORUS_DATA", "./data", "directory for the embedded store's files and generated secrets"},
	{"MONGODB_URI", "", "MongoDB URI (replica set, w=majority); unset starts the embedded store"},
	{"CHORUS_DATABASE", "chorus", "database name (a URI's path overrides it)"},
	{"CHORUS_SURVEYS", "./surveys", "directory of survey and codebook files"},
	{"CHORUS_JWT_SECRET", "", "secret for signing staff tokens, at least 32 bytes; generated into CHORUS_DATA with the embedded store"},
	{"CHORUS_JWT_SECRET_FILE", "", "file holding CHORUS_JWT_SECRET (a Docker or Kubernetes secret)"},
	{"CHORUS_SUBMITS_PER_MINUTE", "600", "survey submissions per minute from one address (kept in memory only; 0 = no limit)"},
	{"CHORUS_ADMIN_EMAIL", "admin@localhost", "email of the admin created, with a one-time password, on a first start with no users"},
	{"CHORUS_TRUSTED_PROXIES", "", "comma-separated addresses of reverse proxies whose X-Forwarded-* headers are trusted"},
	{"CHORUS_REQUEST_TIMEOUT", "10s", "deadline for each request, including store calls"},
	{"CHORUS_BODY_LIMIT", "65536", "largest request body in bytes"},
	{"CHORUS_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"CHORUS_RELEASE_INTERVAL", "1h", "least time between two releases of a survey's results (a Go duration; 0 = as soon as k more responses are in)"},
	{"GOGC", "400", "Go's garbage-collection target (Go's own variable; Chorus sets 400 when it is unset)"},
	{"GOMEMLIMIT", "384MiB", "Go's soft memory limit (Go's own variable); raise it to about half the memory given to a large instance"},
	{"CHORUS_PUBLIC_URL", "http://localhost:PORT", "the address people reach Chorus at, such as https://chorus.example.org; share links and printed group-code pages are built on it"},
	{"CHORUS_METRICS_TOKEN", "", "bearer token (16+ characters) that lets a caller off loopback read /metrics; unset, /metrics answers loopback only"},
	{"CHORUS_PPROF", "", "loopback address such as 127.0.0.1:6060 to serve Go profiles (net/http/pprof) on, for performance work only"},
	{"CHORUS_ORG_NAME", "", "the organisation's name, printed on every briefing (\"Made by …\")"},
	{"CHORUS_ORG_CONTACT", "", "a contact line printed on every briefing, such as an email address and phone number"},
	{"CHORUS_DAY_OF_ACTION", "", "the Day of Action's date (YYYY-MM-DD), printed on every briefing"},
}

// Org is who makes the briefings, as they print it.
func (c Config) Org() report.Org {
	o := report.Org{Name: c.OrgName, Contact: c.OrgContact}
	if !c.DayOfAction.IsZero() {
		o.DayOfAction = c.DayOfAction.Format("2 January 2006")
	}
	return o
}

// LoadConfig reads the configuration from getenv. Each error names its variable.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		for _, s := range settings {
			if s.name == name {
				return s.def
			}
		}
		return ""
	}
	var c Config
	var err error
	if c.Port, err = strconv.Atoi(get("PORT")); err != nil || c.Port < 0 || c.Port > 65535 {
		return c, fmt.Errorf("PORT: must be a number from 1 to 65535, got %q", get("PORT"))
	}
	c.DataDir = get("CHORUS_DATA")
	c.MongoURI = get("MONGODB_URI")
	if c.MongoURI != "" {
		if mongodb.CheckURI(c.MongoURI) != nil {
			return c, fmt.Errorf("MONGODB_URI: must look like mongodb://host:27017/?replicaSet=rs0")
		}
	}
	c.Database = get("CHORUS_DATABASE")
	c.SurveysDir = get("CHORUS_SURVEYS")
	c.JWTSecret = get("CHORUS_JWT_SECRET")
	if f := get("CHORUS_JWT_SECRET_FILE"); f != "" && c.JWTSecret == "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return c, fmt.Errorf("CHORUS_JWT_SECRET_FILE: %v", err)
		}
		c.JWTSecret = strings.TrimSpace(string(b))
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		return c, fmt.Errorf("CHORUS_JWT_SECRET: must be at least 32 bytes, got %d", len(c.JWTSecret))
	}
	if c.JWTSecret == "" && c.MongoURI != "" {
		return c, fmt.Errorf("CHORUS_JWT_SECRET: must be set (at least 32 bytes) when MONGODB_URI is set, so every instance signs alike")
	}
	c.AdminEmail = get("CHORUS_ADMIN_EMAIL")
	for _, p := range strings.Split(get("CHORUS_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if c.RequestTimeout, err = time.ParseDuration(get("CHORUS_REQUEST_TIMEOUT")); err != nil || c.RequestTimeout <= 0 {
		return c, fmt.Errorf("CHORUS_REQUEST_TIMEOUT: must be a positive duration such as 10s, got %q", get("CHORUS_REQUEST_TIMEOUT"))
	}
	if c.BodyLimit, err = strconv.Atoi(get("CHORUS_BODY_LIMIT")); err != nil || c.BodyLimit < 1024 {
		return c, fmt.Errorf("CHORUS_BODY_LIMIT: must be a number of bytes, at least 1024, got %q", get("CHORUS_BODY_LIMIT"))
	}
	if c.SubmitsPerMin, err = strconv.Atoi(get("CHORUS_SUBMITS_PER_MINUTE")); err != nil || c.SubmitsPerMin < 0 {
		return c, fmt.Errorf("CHORUS_SUBMITS_PER_MINUTE: must be a whole number, 0 for no limit, got %q", get("CHORUS_SUBMITS_PER_MINUTE"))
	}
	if c.ReleaseInterval, err = time.ParseDuration(get("CHORUS_RELEASE_INTERVAL")); err != nil || c.ReleaseInterval < 0 {
		return c, fmt.Errorf("CHORUS_RELEASE_INTERVAL: must be a duration such as 1h or 30m, or 0, got %q", get("CHORUS_RELEASE_INTERVAL"))
	}
	switch c.LogLevel = strings.ToLower(get("CHORUS_LOG_LEVEL")); c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, fmt.Errorf("CHORUS_LOG_LEVEL: must be debug, info, warn or error, got %q", c.LogLevel)
	}
	if c.PProf = get("CHORUS_PPROF"); c.PProf != "" {
		host, _, err := net.SplitHostPort(c.PProf)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return c, fmt.Errorf("CHORUS_PPROF: must be a loopback address such as 127.0.0.1:6060, got %q", c.PProf)
		}
	}
	c.OrgName, c.OrgContact = strings.TrimSpace(get("CHORUS_ORG_NAME")), strings.TrimSpace(get("CHORUS_ORG_CONTACT"))
	if len(c.OrgName) > 200 || len(c.OrgContact) > 200 {
		return c, fmt.Errorf("CHORUS_ORG_NAME, CHORUS_ORG_CONTACT: at most 200 characters each")
	}
	if d := get("CHORUS_DAY_OF_ACTION"); d != "" {
		if c.DayOfAction, err = time.Parse(time.DateOnly, d); err != nil {
			return c, fmt.Errorf("CHORUS_DAY_OF_ACTION: must be a date such as 2027-03-10, got %q", d)
		}
	}
	if c.PublicURL = strings.TrimRight(getenv("CHORUS_PUBLIC_URL"), "/"); c.PublicURL == "" {
		c.PublicURL = "http://localhost:" + strconv.Itoa(c.Port)
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return c, fmt.Errorf("CHORUS_PUBLIC_URL: must be an http or https address such as https://chorus.example.org, got %q", c.PublicURL)
	}
	if c.MetricsToken = getenv("CHORUS_METRICS_TOKEN"); c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return c, fmt.Errorf("CHORUS_METRICS_TOKEN: must be at least 16 characters, got %d", len(c.MetricsToken))
	}
	if c.MongoURI == "" {
		if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
			return c, fmt.Errorf("CHORUS_DATA: cannot use %s: %v", c.DataDir, err)
		}
	}
	return c, nil
}

func usage() string {
	var b strings.Builder
	b.WriteString(`Chorus — anonymous surveys for children and young people in care.

Usage:
  chorus [serve]                      start the server (the default)
  chorus version                      print the version
  chorus survey validate [FILE...]    check survey files (default: every survey in CHORUS_SURVEYS)
  chorus survey import FILE [--out PATH]   an XLSForm (.xlsx) or SurveyJS (.json) file as a draft survey
  chorus survey export --format xlsform|surveyjs [--out FILE] SURVEY_FILE_OR_ID
  chorus user add --email E --role admin|facilitator|viewer [--areas CODES]
  chorus user list | disable --email E | enable --email E | reset-password --email E | revoke --email E
  chorus results rebuild [SURVEY]     recount aggregates from the stored responses
  chorus demo [--responses N]         load clearly-labelled synthetic responses (default 2000)

Environment:
`)
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "(unset)"
		}
		fmt.Fprintf(&b, "  %-24s %s (default %s)\n", s.name, s.help, def)
	}
	return b.String()
}
