package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"time"
)

// checkAggregates compares the results the server gives from its incrementally kept
// aggregates with the same results after a recount, if this build can recount: it
// signs in as an admin (made with `chorus user add`), reads the survey's results,
// runs `chorus results rebuild` against the same store, restarts the server so that
// it loads the recount, reads the results again and compares. Without the rebuild
// command it says so and checks nothing.
func (r *runner) checkAggregates(ctx context.Context, srv *server, survey string) {
	usage, _ := exec.Command(r.bin, "results").CombinedOutput()
	if !bytes.Contains(usage, []byte("results rebuild")) {
		r.say("  aggregates: not checked (this build has no `chorus results rebuild`)")
		return
	}
	env := append(os.Environ(), "MONGODB_URI="+srv.mongoURI)
	secret := make([]byte, 12)
	_, _ = rand.Read(secret)
	email, password := "recount@example.org", "Tally-"+hex.EncodeToString(secret)
	add := exec.CommandContext(ctx, r.bin, "user", "add", "--email", email, "--role", "admin")
	add.Env, add.Stdin = env, strings.NewReader(password+"\n")
	if out, err := add.CombinedOutput(); err != nil {
		r.fail("aggregates: chorus user add: %v\n%s", err, out)
		return
	}
	// After a crash the server checks its aggregates against the stored responses in
	// the background once it has loaded them, and rebuilds them if they differ; wait
	// for the results to stop changing before comparing.
	before, err := r.results(srv, email, password, survey)
	if err != nil {
		r.fail("aggregates: results before the recount: %v", err)
		return
	}
	first, since, settled := before, time.Now(), time.Now().Add(2*time.Minute)
	for time.Since(since) < 5*time.Second && time.Now().Before(settled) {
		time.Sleep(time.Second)
		now, err := r.results(srv, email, password, survey)
		if err != nil {
			r.fail("aggregates: results before the recount: %v", err)
			return
		}
		if firstDifference("", before, now) != "" {
			before, since = now, time.Now()
		}
	}
	if d := firstDifference("", first, before); d != "" {
		r.say("  aggregates: corrected by the server's own check after the restart (first read differed at %s)", d)
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	rebuild := exec.CommandContext(rctx, r.bin, "results", "rebuild", survey)
	rebuild.Env = env
	if out, err := rebuild.CombinedOutput(); err != nil {
		r.fail("aggregates: chorus results rebuild: %v\n%s", err, out)
		return
	}
	if err := srv.stop(); err != nil {
		r.fail("aggregates: %v", err)
		return
	}
	if err := srv.start(ctx); err != nil {
		r.fail("aggregates: restart after the recount: %v", err)
		return
	}
	after, err := r.results(srv, email, password, survey)
	if err != nil {
		r.fail("aggregates: results after the recount: %v", err)
		return
	}
	if path := firstDifference("", before, after); path != "" {
		r.fail("aggregates: results from the kept aggregates differ from a recount at %s", path)
		return
	}
	base := "?"
	if m, ok := after.(map[string]any); ok {
		base = fmt.Sprint(m["base"])
	}
	r.say("  aggregates: results equal a recount (base %s)", base)
}

// results signs in and reads GET /api/v1/surveys/{survey}/results, decoded.
func (r *runner) results(srv *server, email, password, survey string) (any, error) {
	hc := &http.Client{Timeout: 30 * time.Second}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := hc.Post(srv.url()+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var login struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &login) != nil || login.Token == "" {
		return nil, fmt.Errorf("sign in: %d %s", resp.StatusCode, b)
	}
	// The aggregates load in the background after a start: 503 until they have.
	for wait := time.Now().Add(time.Minute); ; time.Sleep(250 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodGet, srv.url()+"/api/v1/surveys/"+survey+"/results", nil)
		req.Header.Set("Authorization", "Bearer "+login.Token)
		resp, err = hc.Do(req)
		if err != nil {
			return nil, err
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if resp.StatusCode != 503 || time.Now().After(wait) {
			return nil, fmt.Errorf("GET results: %d %s", resp.StatusCode, b)
		}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// firstDifference returns the JSON path of the first difference between a and b, or "".
func firstDifference(path string, a, b any) string {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok {
			return path
		}
		keys := make([]string, 0, len(a)+len(bm))
		for k := range a {
			keys = append(keys, k)
		}
		for k := range bm {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			if d := firstDifference(path+"."+k, a[k], bm[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return path
		}
		for i := range a {
			if d := firstDifference(fmt.Sprintf("%s[%d]", path, i), a[i], bs[i]); d != "" {
				return d
			}
		}
		return ""
	default:
		if !reflect.DeepEqual(a, b) {
			return fmt.Sprintf("%s (%v, recount %v)", path, a, b)
		}
		return ""
	}
}
