package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/chorus-voice/chorus/"

// goList returns, for each package pattern, the import paths `go list` prints with
// -f '{{.ImportPath}} {{join .Imports " "}}' (and -deps when deps is set), keyed by
// package.
func goList(t *testing.T, deps bool, patterns ...string) map[string][]string {
	t.Helper()
	args := []string{"list", "-f", `{{.ImportPath}} {{join .Imports " "}}`}
	if deps {
		args = append(args, "-deps")
	}
	cmd := exec.Command("go", append(args, patterns...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			pkgs[f[0]] = f[1:]
		}
	}
	return pkgs
}

func stdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// TestLayering holds the layering the README states: the domain imports only the
// standard library; storage imports only the domain of ours; the web layer never
// reaches the store or its driver; one package each imports the driver, jwt and Fiber.
func TestLayering(t *testing.T) {
	for pkg := range goList(t, true, "./chorus") {
		if !stdlib(pkg) && pkg != module+"server/chorus" {
			t.Errorf("server/chorus depends on %s; the domain imports only the standard library", pkg)
		}
	}
	for _, imp := range goList(t, false, "./mongodb")[module+"server/mongodb"] {
		if strings.HasPrefix(imp, module) && imp != module+"server/chorus" {
			t.Errorf("server/mongodb imports %s; storage imports only the domain (services depend on it, not it on them)", imp)
		}
	}
	for pkg := range goList(t, true, "./web") {
		if pkg == module+"server/mongodb" || strings.HasPrefix(pkg, "go.mongodb.org/") || strings.HasPrefix(pkg, "github.com/FerretDB/") {
			t.Errorf("server/web depends on %s; the web layer reaches the store only through services", pkg)
		}
	}
	for _, imp := range goList(t, false, "./surveyport")[module+"server/surveyport"] {
		if !stdlib(imp) && imp != module+"server/chorus" && !strings.HasPrefix(imp, "github.com/xuri/excelize/") {
			t.Errorf("server/surveyport imports %s; import and export use only the standard library, excelize and the domain", imp)
		}
	}
	only := map[string]string{ // an import path prefix, and the one package of ours that may import it
		"go.mongodb.org/mongo-driver": "server/mongodb",
		"github.com/FerretDB/":        "server/mongodb",
		"github.com/golang-jwt/":      "server/auth",
		"github.com/gofiber/":         "server/web",
		"github.com/xuri/excelize":    "server/surveyport",
	}
	for pkg, imports := range goList(t, false, "./...") {
		for _, imp := range imports {
			for prefix, owner := range only {
				if strings.HasPrefix(imp, prefix) && pkg != module+owner {
					t.Errorf("%s imports %s; only %s may", pkg, imp, owner)
				}
			}
		}
	}
	// Services reach storage only through interfaces: the store is handed to them by
	// the composition root (and to tools that open a store themselves).
	storeUsers := map[string]bool{"server": true, "server/app": true, "server/mongodb/mongodbtest": true,
		"scripts/bench-results": true, "scripts/fault": true}
	for pkg, imports := range goList(t, false, "./...") {
		if slices.Contains(imports, module+"server/mongodb") && !storeUsers[strings.TrimPrefix(pkg, module)] {
			t.Errorf("%s imports server/mongodb; services get storage through the domain's interfaces, wired in server/app", pkg)
		}
	}
	if _, ok := goList(t, false, "./...")[module+"server/app"]; !ok {
		t.Error("no server/app: the composition root has moved; update this test")
	}
}
