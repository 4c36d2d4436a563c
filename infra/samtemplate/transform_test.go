package samtemplate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// transformed is the template as CloudFormation receives it. Without the
// translator the test is skipped, unless UPWARD_REQUIRE_SAM_TRANSLATOR is
// set, as `make test` (and so CI) does.
func transformed(t *testing.T) *Template {
	t.Helper()
	_, root := load(t)
	tpl, err := Transform(context.Background(), filepath.Join(root, "template.yaml"))
	if errors.Is(err, ErrNoTranslator) && os.Getenv("UPWARD_REQUIRE_SAM_TRANSLATOR") == "" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// The traps seen in what SAM generates, where the properties above become
// resources: the schedule, the event invoke configs and the roles.
func TestTransformedTemplate(t *testing.T) {
	tpl := transformed(t)
	sam, _ := load(t)

	t.Run("schedules have no fixed name", func(t *testing.T) {
		schedules := tpl.OfType("AWS::Scheduler::Schedule")
		if len(schedules) == 0 {
			t.Fatal("no AWS::Scheduler::Schedule: the tick is not scheduled")
		}
		for _, id := range schedules {
			if name, ok := tpl.Resources[id].Properties["Name"].(string); ok {
				t.Errorf("%s is named %q in every stack of the account and region", id, name)
			}
		}
	})

	t.Run("no concurrency reserved by default", func(t *testing.T) {
		for _, id := range tpl.OfType("AWS::Lambda::Function") {
			v, ok := tpl.Resources[id].Properties["ReservedConcurrentExecutions"]
			if !ok {
				continue
			}
			if reserved, err := reservesByDefault(tpl, v); err != nil || reserved {
				t.Errorf("%s reserves concurrency on a default deploy (%v)", id, err)
			}
		}
	})

	t.Run("failed asynchronous runs reach their queue", func(t *testing.T) {
		for fn := range asyncFunctions(sam) {
			cfg := tpl.Resources[fn+"EventInvokeConfig"]
			if cfg.Type != "AWS::Lambda::EventInvokeConfig" {
				t.Errorf("%s: SAM generated no AWS::Lambda::EventInvokeConfig", fn)
				continue
			}
			dest := asMap(asMap(asMap(cfg.Properties["DestinationConfig"])["OnFailure"]))["Destination"]
			if dest == nil {
				t.Errorf("%s: the event invoke config has no on-failure destination", fn)
				continue
			}
			role := getAttOf(tpl.Resources[fn].Properties["Role"], "Arn")
			if !roleAllows(tpl, role, "sqs:SendMessage", dest) {
				t.Errorf("%s: role %s may not send to its on-failure destination %v: Lambda would drop the record", fn, role, dest)
			}
		}
	})

	t.Run("SES permission scoped to the rule", func(t *testing.T) {
		for _, id := range tpl.OfType("AWS::Lambda::Permission") {
			p := tpl.Resources[id].Properties
			if p["Principal"] == "ses.amazonaws.com" && (p["SourceArn"] == nil || p["SourceAccount"] == nil) {
				t.Errorf("%s: SES may invoke the function without SourceArn and SourceAccount", id)
			}
		}
	})
}

// roleAllows says whether an IAM role's inline policies allow an action on
// a resource.
func roleAllows(tpl *Template, role, action string, resource any) bool {
	for _, pol := range list(tpl.Resources[role].Properties["Policies"]) {
		for _, st := range list(asMap(asMap(pol)["PolicyDocument"])["Statement"]) {
			s := asMap(st)
			if s["Effect"] != "Allow" || !slices.Contains(list(s["Action"]), any(action)) {
				continue
			}
			if slices.ContainsFunc(list(s["Resource"]), func(r any) bool { return cmp.Equal(r, resource) }) {
				return true
			}
		}
	}
	return false
}
