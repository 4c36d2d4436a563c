package samtemplate

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/store"
)

func load(t *testing.T) (*Template, string) {
	t.Helper()
	root, err := localstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tpl, root
}

// makefileFunctions reads FUNCTIONS := Id:folder … from the Makefile.
func makefileFunctions(t *testing.T, root string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^FUNCTIONS\s*:=\s*(.+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("Makefile has no FUNCTIONS := line")
	}
	out := map[string]string{}
	for _, f := range strings.Fields(string(m[1])) {
		id, dir, _ := strings.Cut(f, ":")
		out[id] = dir
	}
	return out
}

func TestEveryFunctionFolderHasAResourceAndABuildTarget(t *testing.T) {
	tpl, root := load(t)
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
		}
	}
	built := makefileFunctions(t, root)
	var resourceFolders []string
	for _, id := range tpl.OfType("AWS::Serverless::Function") {
		r := tpl.Resources[id]
		if r.Metadata["BuildMethod"] != "makefile" {
			t.Errorf("%s: Metadata.BuildMethod = %v, want makefile", id, r.Metadata["BuildMethod"])
		}
		if r.Properties["CodeUri"] != "." {
			t.Errorf("%s: CodeUri = %v, want . (one root go.mod)", id, r.Properties["CodeUri"])
		}
		dir, ok := built[id]
		if !ok {
			t.Errorf("%s has no entry in the Makefile's FUNCTIONS, so sam build cannot build it", id)
			continue
		}
		resourceFolders = append(resourceFolders, dir)
	}
	sort.Strings(resourceFolders)
	if diff := cmp.Diff(folders, resourceFolders); diff != "" {
		t.Errorf("functions/ folders vs template functions (-folders +template):\n%s", diff)
	}
	g := asMap(tpl.Globals["Function"])
	for k, want := range map[string]any{"Runtime": "provided.al2023", "Handler": "bootstrap"} {
		if g[k] != want {
			t.Errorf("Globals.Function.%s = %v, want %v", k, g[k], want)
		}
	}
	if diff := cmp.Diff([]any{"arm64"}, g["Architectures"]); diff != "" {
		t.Errorf("architectures: %s", diff)
	}
}

func TestBuildTargetsProduceBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles every function")
	}
	_, root := load(t)
	for id := range makefileFunctions(t, root) {
		t.Run(id, func(t *testing.T) {
			out := t.TempDir()
			cmd := exec.Command("make", "-s", "build-"+id, "ARTIFACTS_DIR="+out)
			cmd.Dir = root
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("make build-%s: %v\n%s", id, err, stderr.String())
			}
			fi, err := os.Stat(filepath.Join(out, "bootstrap"))
			if err != nil || fi.Size() == 0 || fi.Mode()&0o111 == 0 {
				t.Fatalf("build-%s left no executable bootstrap in ARTIFACTS_DIR: %v", id, err)
			}
			b, _ := os.ReadFile(filepath.Join(out, "bootstrap"))
			// ELF header: machine 0xB7 is AArch64, what provided.al2023 on arm64 runs.
			if len(b) < 20 || string(b[1:4]) != "ELF" || b[18] != 0xB7 {
				t.Errorf("build-%s: bootstrap is not a linux/arm64 ELF binary", id)
			}
		})
	}
}

func TestTableMatchesTheStoreDefinition(t *testing.T) {
	tpl, _ := load(t)
	props := tpl.Resources["Table"].Properties
	def := store.TableDefinition("x")

	var wantAttrs []any
	for _, a := range def.AttributeDefinitions {
		wantAttrs = append(wantAttrs, map[string]any{"AttributeName": aws.ToString(a.AttributeName), "AttributeType": string(a.AttributeType)})
	}
	if diff := cmp.Diff(wantAttrs, props["AttributeDefinitions"]); diff != "" {
		t.Errorf("AttributeDefinitions (-code +template):\n%s", diff)
	}
	keys := func(ks any) []any { return ks.([]any) }
	var wantKeys []any
	for _, k := range def.KeySchema {
		wantKeys = append(wantKeys, map[string]any{"AttributeName": aws.ToString(k.AttributeName), "KeyType": string(k.KeyType)})
	}
	if diff := cmp.Diff(wantKeys, keys(props["KeySchema"])); diff != "" {
		t.Errorf("KeySchema (-code +template):\n%s", diff)
	}
	var wantGSIs []any
	for _, g := range def.GlobalSecondaryIndexes {
		var ks []any
		for _, k := range g.KeySchema {
			ks = append(ks, map[string]any{"AttributeName": aws.ToString(k.AttributeName), "KeyType": string(k.KeyType)})
		}
		wantGSIs = append(wantGSIs, map[string]any{"IndexName": aws.ToString(g.IndexName), "KeySchema": ks, "Projection": map[string]any{"ProjectionType": string(g.Projection.ProjectionType)}})
	}
	if diff := cmp.Diff(wantGSIs, props["GlobalSecondaryIndexes"]); diff != "" {
		t.Errorf("GlobalSecondaryIndexes (-code +template):\n%s", diff)
	}
	ttl := asMap(props["TimeToLiveSpecification"])
	if ttl["AttributeName"] != store.AttrTTL || ttl["Enabled"] != true {
		t.Errorf("TTL = %v, want %s enabled", ttl, store.AttrTTL)
	}
	if asMap(props["PointInTimeRecoverySpecification"])["PointInTimeRecoveryEnabled"] != true {
		t.Error("point-in-time recovery is off")
	}
}

var envRead = regexp.MustCompile(`env\.(Require|Optional|Addresses|Int|Duration)\("([A-Z0-9_]+)"`)

// optionalUnset are settings a function reads but the template may leave
// unset, each with the reason.
var optionalUnset = map[string]string{
	"BASE_URL":    "web: only with a custom domain; otherwise the function URL's own domain is used",
	"LOGIN_TTL":   "defaults to 15 minutes",
	"SESSION_TTL": "defaults to 12 hours",
}

func TestEveryVariableTheCodeReadsIsSet(t *testing.T) {
	tpl, root := load(t)
	for id, dir := range makefileFunctions(t, root) {
		src, err := os.ReadFile(filepath.Join(root, "functions", dir, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		env := tpl.Environment(id)
		for _, m := range envRead.FindAllStringSubmatch(string(src), -1) {
			kind, name := m[1], m[2]
			if _, ok := env[name]; ok {
				continue
			}
			if why, ok := optionalUnset[name]; ok && kind != "Require" && kind != "Addresses" {
				t.Logf("%s: %s left unset: %s", id, name, why)
				continue
			}
			t.Errorf("%s (functions/%s) reads %s but template.yaml does not set it", id, dir, name)
		}
	}
}
