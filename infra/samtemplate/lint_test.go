package samtemplate

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// cfn-lint (make cfn-lint, part of make test) checks the template against
// CloudFormation's schemas after the SAM transform. These tests check what
// it cannot know: references resolve, conditions exist, every function has
// its log group, wildcard resources are justified, and each function's
// event source matches the adapter its main.go starts.

var knownTypes = map[string]bool{
	"AWS::Serverless::Function": true, "AWS::DynamoDB::Table": true, "AWS::SecretsManager::Secret": true,
	"AWS::SQS::Queue": true, "AWS::SQS::QueuePolicy": true, "AWS::Logs::LogGroup": true, "AWS::S3::Bucket": true, "AWS::S3::BucketPolicy": true,
	"AWS::SES::ReceiptRuleSet": true, "AWS::SES::ReceiptRule": true, "AWS::Lambda::Permission": true,
	"AWS::SES::ConfigurationSet": true, "AWS::SES::ConfigurationSetEventDestination": true,
	"AWS::SNS::Topic": true, "AWS::SNS::Subscription": true, "AWS::CloudWatch::Alarm": true,
}

var pseudo = map[string]bool{
	"AWS::Region": true, "AWS::AccountId": true, "AWS::Partition": true, "AWS::StackName": true,
	"AWS::StackId": true, "AWS::NoValue": true, "AWS::URLSuffix": true,
}

// samGenerated names resources SAM creates from a function's properties:
// its URL, its role, and a resource per event (an EventBridge rule, a
// schedule) named after the function and the event.
func samGenerated(t *Template, name string) bool {
	for _, id := range t.OfType("AWS::Serverless::Function") {
		if name == id+"Url" || name == id+"Role" {
			return true
		}
		for ev := range asMap(t.Resources[id].Properties["Events"]) {
			if name == id+ev {
				return true
			}
		}
	}
	return false
}

var subRef = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)(\.[A-Za-z0-9.]+)?\}`)

func TestTemplateReferencesResolve(t *testing.T) {
	tpl, _ := load(t)
	defined := func(name string) bool {
		_, res := tpl.Resources[name]
		_, par := tpl.Parameters[name]
		return res || par || pseudo[name] || samGenerated(tpl, name)
	}
	conds := map[string]bool{}
	raw, _ := os.ReadFile(filepath.Join(rootOf(t), "template.yaml"))
	for _, m := range regexp.MustCompile(`(?m)^  ([A-Za-z]+): !`).FindAllStringSubmatch(sectionOf(string(raw), "Conditions"), -1) {
		conds[m[1]] = true
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				switch k {
				case "Ref":
					if s, ok := val.(string); ok && !defined(s) {
						t.Errorf("%s: Ref to undefined %q", path, s)
					}
				case "Fn::GetAtt":
					if parts, ok := val.([]any); ok && len(parts) > 0 {
						if s, _ := parts[0].(string); !defined(s) {
							t.Errorf("%s: GetAtt of undefined %q", path, s)
						}
					}
				case "Fn::Sub":
					if s, ok := val.(string); ok {
						for _, m := range subRef.FindAllStringSubmatch(s, -1) {
							if !defined(m[1]) {
								t.Errorf("%s: Sub references undefined %q", path, m[1])
							}
						}
					}
				case "Fn::If":
					if parts, ok := val.([]any); ok && len(parts) > 0 {
						if s, _ := parts[0].(string); !conds[s] {
							t.Errorf("%s: If on undefined condition %q", path, s)
						}
					}
				case "Condition":
					if s, ok := val.(string); ok && !conds[s] {
						t.Errorf("%s: undefined condition %q", path, s)
					}
				}
				walk(path+"."+k, val)
			}
		case []any:
			for _, e := range x {
				walk(path, e)
			}
		}
	}
	for name, r := range tpl.Resources {
		if !knownTypes[r.Type] {
			t.Errorf("%s: unexpected resource type %q (a typo, or add it to knownTypes)", name, r.Type)
		}
		walk(name, r.Properties)
		walk(name, r.Metadata)
	}
	walk("Globals", tpl.Globals)
	walk("Outputs", tpl.Outputs)
}

func rootOf(t *testing.T) string {
	_, root := load(t)
	return root
}

func sectionOf(doc, name string) string {
	i := strings.Index(doc, "\n"+name+":")
	if i < 0 {
		return ""
	}
	rest := doc[i+len(name)+2:]
	if j := regexp.MustCompile(`\n[A-Za-z]`).FindStringIndex(rest); j != nil {
		rest = rest[:j[0]]
	}
	return rest
}

func TestEveryFunctionHasALogGroupWithRetention(t *testing.T) {
	tpl, _ := load(t)
	groups := map[string]bool{}
	for _, id := range tpl.OfType("AWS::Logs::LogGroup") {
		p := tpl.Resources[id].Properties
		if sub, ok := asMap(p["LogGroupName"])["Fn::Sub"].(string); ok {
			groups[sub] = p["RetentionInDays"] != nil
		}
	}
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		retained, ok := groups["/aws/lambda/${"+fn+"}"]
		if !ok || !retained {
			t.Errorf("%s has no log group with a retention period", fn)
		}
	}
}

// wildcardOK are actions that have no resource to scope to.
var wildcardOK = map[string]string{
	"ses:PutSuppressedDestination": "the account-level suppression list is not a resource",
	"ses:GetAccount":               "the account's sending quota is not a resource",
}

func TestWildcardResourcesAreJustified(t *testing.T) {
	tpl, _ := load(t)
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		pols, _ := tpl.Resources[fn].Properties["Policies"].([]any)
		for _, pol := range pols {
			stmts, _ := asMap(pol)["Statement"].([]any)
			for _, st := range stmts {
				m := asMap(st)
				if m["Resource"] != "*" {
					continue
				}
				acts := m["Action"]
				list, ok := acts.([]any)
				if !ok {
					list = []any{acts}
				}
				for _, a := range list {
					if _, ok := wildcardOK[a.(string)]; !ok {
						t.Errorf("%s grants %v on every resource", fn, a)
					}
				}
			}
		}
	}
}

// eventSources ties what a function's main.go starts to what must invoke it.
var eventSources = []struct {
	adapter *regexp.Regexp
	wired   func(t *Template, fn string) bool
	what    string
}{
	{regexp.MustCompile(`lambdaurl\.Start\(`), func(t *Template, fn string) bool {
		u := asMap(t.Resources[fn].Properties["FunctionUrlConfig"])
		return u["InvokeMode"] == "RESPONSE_STREAM" // lambdaurl streams its responses
	}, "a Function URL with InvokeMode RESPONSE_STREAM"},
	{regexp.MustCompile(`sendqueue\.SQSHandler\(`), func(t *Template, fn string) bool {
		return eventOf(t, fn, "SQS", func(p map[string]any) bool {
			types, _ := p["FunctionResponseTypes"].([]any)
			return len(types) == 1 && types[0] == "ReportBatchItemFailures"
		})
	}, "an SQS event with ReportBatchItemFailures"},
	{regexp.MustCompile(`schedule\.Ticker`), func(t *Template, fn string) bool {
		return eventOf(t, fn, "ScheduleV2", func(p map[string]any) bool {
			return p["RetryPolicy"] != nil && p["DeadLetterConfig"] != nil
		})
	}, "a ScheduleV2 event with a retry policy and a dead-letter queue"},
	{regexp.MustCompile(`inbound\.SESHandler\(`), func(t *Template, fn string) bool {
		for _, id := range t.OfType("AWS::SES::ReceiptRule") {
			for _, a := range asMap(t.Resources[id].Properties["Rule"])["Actions"].([]any) {
				la := asMap(asMap(a)["LambdaAction"])
				if ga, ok := asMap(la["FunctionArn"])["Fn::GetAtt"].([]any); ok && ga[0] == fn {
					return true
				}
			}
		}
		return false
	}, "an SES receipt rule's Lambda action"},
	{regexp.MustCompile(`\.HandleS3\(`), func(t *Template, fn string) bool {
		return eventOf(t, fn, "S3", func(p map[string]any) bool {
			rules := list(asMap(asMap(p["Filter"])["S3Key"])["Rules"])
			return len(rules) == 1 && asMap(rules[0])["Name"] == "prefix" && asMap(rules[0])["Value"] == "orgcharts/"
		})
	}, "an S3 event on objects created under orgcharts/"},
	{regexp.MustCompile(`HandleEventBridge`), func(t *Template, fn string) bool {
		return eventOf(t, fn, "EventBridgeRule", func(p map[string]any) bool {
			src, _ := asMap(p["Pattern"])["source"].([]any)
			return len(src) == 1 && src[0] == "aws.ses" && p["DeadLetterConfig"] != nil
		})
	}, "an EventBridge rule on aws.ses events with a dead-letter queue"},
}

func eventOf(t *Template, fn, typ string, ok func(map[string]any) bool) bool {
	for _, ev := range asMap(t.Resources[fn].Properties["Events"]) {
		m := asMap(ev)
		if m["Type"] == typ && ok(asMap(m["Properties"])) {
			return true
		}
	}
	return false
}

func TestEveryEventSourceTheCodeHandlesIsWired(t *testing.T) {
	tpl, root := load(t)
	fns := makefileFunctions(t, root)
	ids := make([]string, 0, len(fns))
	for id := range fns {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		src, err := os.ReadFile(filepath.Join(root, "functions", fns[id], "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		matched := false
		for _, es := range eventSources {
			if es.adapter.Match(src) {
				matched = true
				if !es.wired(tpl, id) {
					t.Errorf("%s starts %s but template.yaml does not give it %s", id, es.adapter, es.what)
				}
			}
		}
		if !matched && !strings.Contains(string(src), "lambda.Start(") {
			t.Errorf("%s: main.go starts no Lambda handler this test knows", id)
		}
	}
}
