package samtemplate

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/store"
)

// Traps that pass every syntax check and still break a first deploy or
// fail silently in production. Each test names what goes wrong in AWS.

// reservesByDefault says whether a ReservedConcurrentExecutions value
// reserves anything when every parameter keeps its default.
func reservesByDefault(t *Template, v any) (bool, error) {
	if parts, ok := asMap(v)["Fn::If"].([]any); ok && len(parts) == 3 {
		cond, _ := parts[0].(string)
		holds, err := t.Holds(cond)
		if err != nil {
			return false, err
		}
		chosen := parts[2]
		if holds {
			chosen = parts[1]
		}
		return asMap(chosen)["Ref"] != "AWS::NoValue", nil
	}
	return true, nil
}

func TestReservedConcurrencyIsOffByDefault(t *testing.T) {
	tpl, _ := load(t)
	check := func(where string, props map[string]any) {
		v, ok := props["ReservedConcurrentExecutions"]
		if !ok {
			return
		}
		reserved, err := reservesByDefault(tpl, v)
		if err != nil {
			t.Errorf("%s: %v", where, err)
		}
		if reserved {
			t.Errorf("%s reserves concurrency on a default deploy: Lambda keeps 10 executions unreserved, so in an account whose limit is 10 the stack fails to create; reserve only behind a parameter that is off by default", where)
		}
	}
	check("Globals.Function", asMap(tpl.Globals["Function"]))
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		check(fn, tpl.Resources[fn].Properties)
	}
	// Without a reservation the send limit is the queue's: the event source
	// mapping never runs more than MaximumConcurrency send functions.
	limited := eventOf(tpl, "SendFunction", "SQS", func(p map[string]any) bool {
		return cmp.Equal(asMap(p["ScalingConfig"])["MaximumConcurrency"], map[string]any{"Ref": "SendConcurrency"})
	})
	if !limited {
		t.Error("SendFunction's SQS event has no ScalingConfig.MaximumConcurrency of SendConcurrency: nothing bounds the rate of calls to SES")
	}
}

func TestSchedulesAreNamedPerStack(t *testing.T) {
	tpl, _ := load(t)
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		for name, ev := range asMap(tpl.Resources[fn].Properties["Events"]) {
			m := asMap(ev)
			if m["Type"] != "ScheduleV2" {
				continue
			}
			p := asMap(m["Properties"])
			if p["OmitName"] == true {
				continue
			}
			if sub, ok := asMap(p["Name"])["Fn::Sub"].(string); ok && strings.Contains(sub, "${AWS::StackName}") {
				continue
			}
			t.Errorf("%s.%s: SAM names the schedule %v: a second stack in the same account and region (staging beside production) fails to create it; set OmitName: true", fn, name, orDefault(p["Name"], fn+name))
		}
	}
}

func orDefault(v any, def string) any {
	if v == nil {
		return def
	}
	return v
}

func TestEventBridgeMaySendToEachRulesDeadLetterQueue(t *testing.T) {
	tpl, _ := load(t)
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		for name, ev := range asMap(tpl.Resources[fn].Properties["Events"]) {
			m := asMap(ev)
			if m["Type"] != "EventBridgeRule" {
				continue
			}
			dlq := asMap(asMap(m["Properties"])["DeadLetterConfig"])
			if dlq == nil {
				continue
			}
			queue := getAttOf(dlq["Arn"], "Arn")
			if queue == "" {
				t.Errorf("%s.%s: dead-letter queue %v is not a queue of this template", fn, name, dlq["Arn"])
				continue
			}
			rule := fn + name // the AWS::Events::Rule SAM generates
			if !queueAllows(tpl, queue, "events.amazonaws.com", map[string]any{"Fn::GetAtt": []any{rule, "Arn"}}) {
				t.Errorf("%s.%s: no queue policy lets events.amazonaws.com send to %s for rule %s (aws:SourceArn): EventBridge drops the events it cannot deliver, and the queue's alarm never fires", fn, name, queue, rule)
			}
		}
	}
}

// getAttOf returns X for {"Fn::GetAtt": [X, attr]}.
func getAttOf(v any, attr string) string {
	parts, _ := asMap(v)["Fn::GetAtt"].([]any)
	if len(parts) == 2 && parts[1] == attr {
		s, _ := parts[0].(string)
		return s
	}
	return ""
}

func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// queueAllows says whether a queue policy lets a service principal send to
// the queue, only on behalf of sourceArn.
func queueAllows(tpl *Template, queue, service string, sourceArn any) bool {
	for _, id := range tpl.OfType("AWS::SQS::QueuePolicy") {
		p := tpl.Resources[id].Properties
		if !slices.ContainsFunc(list(p["Queues"]), func(q any) bool { return cmp.Equal(q, map[string]any{"Ref": queue}) }) {
			continue
		}
		for _, st := range list(asMap(p["PolicyDocument"])["Statement"]) {
			s := asMap(st)
			if s["Effect"] != "Allow" || !slices.Contains(list(asMap(s["Principal"])["Service"]), any(service)) ||
				!slices.Contains(list(s["Action"]), any("sqs:SendMessage")) ||
				!cmp.Equal(s["Resource"], map[string]any{"Fn::GetAtt": []any{queue, "Arn"}}) {
				continue
			}
			if cmp.Equal(asMap(asMap(s["Condition"])["ArnEquals"])["aws:SourceArn"], sourceArn) {
				return true
			}
		}
	}
	return false
}

func TestAlarmTopicsArePublishableByCloudWatch(t *testing.T) {
	tpl, _ := load(t)
	for _, alarm := range tpl.OfType("AWS::CloudWatch::Alarm") {
		actions := list(tpl.Resources[alarm].Properties["AlarmActions"])
		if len(actions) == 0 {
			t.Errorf("%s notifies nobody", alarm)
		}
		for _, a := range actions {
			topic, _ := asMap(a)["Ref"].(string)
			r, ok := tpl.Resources[topic]
			if !ok || r.Type != "AWS::SNS::Topic" {
				t.Errorf("%s: action %v is not a topic of this template", alarm, a)
				continue
			}
			if err := cloudWatchCanPublish(tpl, r.Properties["KmsMasterKeyId"]); err != nil {
				t.Errorf("%s publishes to %s, %v: every alarm notification fails", alarm, topic, err)
			}
		}
	}
}

// cloudWatchCanPublish checks a topic's encryption key: none, or a key of
// this template whose policy lets CloudWatch use it. AWS-managed keys'
// policies cannot be changed and do not.
func cloudWatchCanPublish(tpl *Template, key any) error {
	if key == nil {
		return nil
	}
	id, _ := asMap(key)["Ref"].(string)
	if id == "" {
		id = getAttOf(key, "Arn")
	}
	k, ok := tpl.Resources[id]
	if !ok || k.Type != "AWS::KMS::Key" {
		return fmt.Errorf("encrypted with %v, which is not a customer-managed key of this template", key)
	}
	for _, st := range list(asMap(k.Properties["KeyPolicy"])["Statement"]) {
		s := asMap(st)
		acts := list(s["Action"])
		if s["Effect"] == "Allow" && slices.Contains(list(asMap(s["Principal"])["Service"]), any("cloudwatch.amazonaws.com")) &&
			slices.Contains(acts, any("kms:Decrypt")) && slices.Contains(acts, any("kms:GenerateDataKey*")) {
			return nil
		}
	}
	return fmt.Errorf("encrypted with %s, whose policy does not grant cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*", id)
}

// alarmed says whether an alarm watches a metric of a resource and notifies someone.
func alarmed(tpl *Template, namespace, metric, dimension string, value any) bool {
	for _, id := range tpl.OfType("AWS::CloudWatch::Alarm") {
		p := tpl.Resources[id].Properties
		if p["Namespace"] != namespace || p["MetricName"] != metric || len(list(p["AlarmActions"])) == 0 {
			continue
		}
		for _, d := range list(p["Dimensions"]) {
			if asMap(d)["Name"] == dimension && cmp.Equal(asMap(d)["Value"], value) {
				return true
			}
		}
	}
	return false
}

func TestEveryFunctionHasAnErrorAlarm(t *testing.T) {
	tpl, _ := load(t)
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		if !alarmed(tpl, "AWS/Lambda", "Errors", "FunctionName", map[string]any{"Ref": fn}) {
			t.Errorf("%s has no alarm on its Errors metric", fn)
		}
	}
}

// asyncFunctions are the functions some service or function invokes
// asynchronously: Lambda retries them twice and then, without an
// on-failure destination, drops the event.
func asyncFunctions(tpl *Template) map[string]string {
	out := map[string]string{}
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		for name, ev := range asMap(tpl.Resources[fn].Properties["Events"]) {
			switch typ := asMap(ev)["Type"]; typ {
			case "ScheduleV2", "Schedule", "EventBridgeRule", "CloudWatchEvent", "S3", "SNS":
				out[fn] = fmt.Sprintf("its %s event %s", typ, name)
			}
		}
		for _, pol := range list(tpl.Resources[fn].Properties["Policies"]) {
			if target, ok := asMap(asMap(pol)["LambdaInvokePolicy"])["FunctionName"]; ok {
				if id, _ := asMap(target)["Ref"].(string); id != "" {
					out[id] = fn + "'s asynchronous invocation"
				}
			}
		}
	}
	for _, id := range tpl.OfType("AWS::SES::ReceiptRule") {
		for _, a := range list(asMap(tpl.Resources[id].Properties["Rule"])["Actions"]) {
			la := asMap(asMap(a)["LambdaAction"])
			if fn := getAttOf(la["FunctionArn"], "Arn"); fn != "" && la["InvocationType"] != "RequestResponse" {
				out[fn] = "SES receipt rule " + id
			}
		}
	}
	return out
}

func TestEveryAsynchronousInvocationEndsInAnAlarmedDeadLetterQueue(t *testing.T) {
	tpl, _ := load(t)
	async := asyncFunctions(tpl)
	for _, want := range []string{"InboundFunction", "MatchFunction", "FeedbackFunction", "TickFunction"} {
		if _, ok := async[want]; !ok {
			t.Errorf("%s is not found to be invoked asynchronously; the test no longer sees how", want)
		}
	}
	for fn, how := range async {
		onFailure := asMap(asMap(asMap(tpl.Resources[fn].Properties["EventInvokeConfig"])["DestinationConfig"])["OnFailure"])
		queue := getAttOf(onFailure["Destination"], "Arn")
		if onFailure["Type"] != "SQS" || queue == "" {
			t.Errorf("%s (invoked by %s) has no EventInvokeConfig.DestinationConfig.OnFailure to an SQS queue of this template: an event that fails every retry is lost without a trace", fn, how)
			continue
		}
		checkDeadLetterQueue(t, tpl, fn+"'s on-failure destination", queue)
	}
	// Dead-letter queues of the services that invoke the functions, and of
	// the send queue.
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		for name, ev := range asMap(tpl.Resources[fn].Properties["Events"]) {
			if dlq, ok := asMap(asMap(ev)["Properties"])["DeadLetterConfig"]; ok {
				checkDeadLetterQueue(t, tpl, fn+"."+name+"'s dead-letter queue", getAttOf(asMap(dlq)["Arn"], "Arn"))
			}
		}
	}
	for _, q := range tpl.OfType("AWS::SQS::Queue") {
		if rp, ok := tpl.Resources[q].Properties["RedrivePolicy"]; ok {
			checkDeadLetterQueue(t, tpl, q+"'s dead-letter queue", getAttOf(asMap(rp)["deadLetterTargetArn"], "Arn"))
		}
	}
}

func checkDeadLetterQueue(t *testing.T, tpl *Template, what, queue string) {
	t.Helper()
	r, ok := tpl.Resources[queue]
	if !ok || r.Type != "AWS::SQS::Queue" {
		t.Errorf("%s: %q is not an SQS queue of this template", what, queue)
		return
	}
	// Fourteen days, SQS's longest, so a failure noticed after a holiday can still be replayed.
	if fmt.Sprint(r.Properties["MessageRetentionPeriod"]) != "1209600" {
		t.Errorf("%s: %s keeps messages for %v s, want 1209600 (14 days)", what, queue, r.Properties["MessageRetentionPeriod"])
	}
	if !alarmed(tpl, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", map[string]any{"Fn::GetAtt": []any{queue, "QueueName"}}) {
		t.Errorf("%s: no alarm on %s's ApproximateNumberOfMessagesVisible: failures would wait there unseen", what, queue)
	}
}

func TestSecretsSurviveDeleteAndReplace(t *testing.T) {
	tpl, _ := load(t)
	for _, id := range tpl.OfType("AWS::SecretsManager::Secret") {
		r := tpl.Resources[id]
		if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
			t.Errorf("%s: DeletionPolicy %q, UpdateReplacePolicy %q, want Retain for both: losing the key breaks every reply address and link already sent", id, r.DeletionPolicy, r.UpdateReplacePolicy)
		}
	}
}

// receiptRuleArn is the Fn::Sub that names a receipt rule of the template.
func receiptRuleArn(tpl *Template, rule string) any {
	r := asMap(tpl.Resources[rule].Properties["Rule"])
	name, _ := asMap(r["Name"])["Fn::Sub"].(string)
	if name == "" {
		name, _ = r["Name"].(string)
	}
	return map[string]any{"Fn::Sub": []any{
		"arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:receipt-rule-set/${RuleSet}:receipt-rule/" + name,
		map[string]any{"RuleSet": tpl.Resources[rule].Properties["RuleSetName"]},
	}}
}

func TestSESActsOnlyForUpwardsReceiptRule(t *testing.T) {
	tpl, _ := load(t)
	rules := tpl.OfType("AWS::SES::ReceiptRule")
	if len(rules) != 1 {
		t.Fatalf("receipt rules: %v, want one", rules)
	}
	want := receiptRuleArn(tpl, rules[0])
	account := map[string]any{"Ref": "AWS::AccountId"}
	for _, id := range tpl.OfType("AWS::Lambda::Permission") {
		p := tpl.Resources[id].Properties
		if p["Principal"] != "ses.amazonaws.com" {
			continue
		}
		if !cmp.Equal(p["SourceAccount"], account) {
			t.Errorf("%s: SourceAccount %v, want this account", id, p["SourceAccount"])
		}
		if diff := cmp.Diff(want, p["SourceArn"]); diff != "" {
			t.Errorf("%s: SES may invoke the function for any receipt rule in the account that names it; SourceArn should be %s's ARN (-want +got):\n%s", id, rules[0], diff)
		}
	}
	for _, id := range tpl.OfType("AWS::S3::BucketPolicy") {
		for _, st := range list(asMap(tpl.Resources[id].Properties["PolicyDocument"])["Statement"]) {
			s := asMap(st)
			if !slices.Contains(list(asMap(s["Principal"])["Service"]), any("ses.amazonaws.com")) {
				continue
			}
			cond := asMap(asMap(s["Condition"])["StringEquals"])
			if !cmp.Equal(cond["aws:SourceAccount"], account) || !cmp.Equal(asMap(asMap(s["Condition"])["ArnEquals"])["aws:SourceArn"], want) {
				t.Errorf("%s: SES may store mail for any receipt rule; condition on aws:SourceAccount and aws:SourceArn %s", id, rules[0])
			}
		}
	}
}

func TestSendEmailOnlyFromTheSender(t *testing.T) {
	tpl, _ := load(t)
	sending := func(a any) bool { return a == "ses:SendEmail" || a == "ses:SendRawEmail" || a == "ses:*" }
	found := false
	for _, fn := range tpl.OfType("AWS::Serverless::Function") {
		for _, pol := range list(tpl.Resources[fn].Properties["Policies"]) {
			for _, st := range list(asMap(pol)["Statement"]) {
				s := asMap(st)
				if s["Effect"] != "Allow" || !slices.ContainsFunc(list(s["Action"]), sending) {
					continue
				}
				found = true
				from := asMap(asMap(s["Condition"])["StringEquals"])["ses:FromAddress"]
				if !cmp.Equal(from, map[string]any{"Ref": "SenderAddress"}) {
					t.Errorf("%s (statement %v) may send email from any address on the domain; condition StringEquals ses:FromAddress on SenderAddress", fn, s["Sid"])
				}
			}
		}
	}
	if !found {
		t.Error("no function may send email: the test no longer sees how it is granted")
	}
}

func TestTickWorkersIsAParameter(t *testing.T) {
	tpl, _ := load(t)
	ref, _ := asMap(tpl.Environment("TickFunction")["TICK_WORKERS"])["Ref"].(string)
	p := asMap(tpl.Parameters[ref])
	if ref == "" || p == nil {
		t.Fatalf("TICK_WORKERS = %v, want a Ref to a parameter", tpl.Environment("TickFunction")["TICK_WORKERS"])
	}
	if p["Type"] != "Number" || fmt.Sprint(p["Default"]) != fmt.Sprint(store.DueShards) || fmt.Sprint(p["MinValue"]) != "1" {
		t.Errorf("parameter %s = %v, want a Number, MinValue 1, defaulting to one worker per due shard (%d)", ref, p, store.DueShards)
	}
}
