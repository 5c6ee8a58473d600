package main

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
)

// TestComposeFile loads docker-compose.yml with the compose-spec loader (there is no
// Docker engine to run it here) and checks the production shape.
func TestComposeFile(t *testing.T) {
	opts, err := cli.NewProjectOptions([]string{"../docker-compose.yml"},
		cli.WithWorkingDirectory(".."), cli.WithName("chorus"), cli.WithResolvedPaths(false))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load docker-compose.yml: %v", err)
	}
	for _, name := range []string{"mongo1", "mongo2", "mongo3", "mongo-init", "app"} {
		if _, ok := p.Services[name]; !ok {
			t.Fatalf("no service %q", name)
		}
	}
	for _, name := range []string{"mongo1", "mongo2", "mongo3"} {
		s := p.Services[name]
		if s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 {
			t.Errorf("%s has no health check", name)
		}
		if !slices.Contains(s.Command, "--replSet") {
			t.Errorf("%s does not run as a replica set member: %v", name, s.Command)
		}
		if len(s.Volumes) != 1 || s.Volumes[0].Type != "volume" || p.Volumes[s.Volumes[0].Source].Name == "" {
			t.Errorf("%s has no named volume: %+v", name, s.Volumes)
		}
	}
	init := p.Services["mongo-init"]
	if init.Restart != "no" || !strings.Contains(strings.Join(init.Command, " "), "rs.initiate") {
		t.Errorf("mongo-init is not a one-shot rs.initiate: restart %q command %v", init.Restart, init.Command)
	}
	app := p.Services["app"]
	if app.Build == nil {
		t.Error("app is not built from the Dockerfile")
	}
	if app.HealthCheck == nil {
		t.Error("app has no health check")
	}
	if app.DependsOn["mongo-init"].Condition != "service_completed_successfully" {
		t.Errorf("app does not wait for the replica set: %+v", app.DependsOn)
	}
	uri := app.Environment["MONGODB_URI"]
	if uri == nil {
		t.Fatal("app has no MONGODB_URI")
	}
	u, err := url.Parse(*uri)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(u.Host, ","); len(got) != 3 {
		t.Errorf("MONGODB_URI names %d hosts, want 3", len(got))
	}
	if u.Query().Get("replicaSet") == "" || u.Query().Get("w") != "majority" {
		t.Errorf("MONGODB_URI lacks replicaSet= or w=majority: %s", *uri)
	}
	if _, inline := app.Environment["CHORUS_JWT_SECRET"]; inline {
		t.Error("the JWT secret is written in the compose file")
	}
	if len(app.Secrets) == 0 || app.Environment["CHORUS_JWT_SECRET_FILE"] == nil {
		t.Error("the JWT secret does not come from a secret file")
	}
}
