package samtemplate

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// s3Statements are a function's policy statements that grant S3 actions,
// each as its actions and resources.
func s3Statements(tpl *Template, fn string) [][2][]any {
	var out [][2][]any
	for _, pol := range list(tpl.Resources[fn].Properties["Policies"]) {
		p := asMap(pol)
		for name := range p {
			if name != "Statement" && strings.Contains(strings.ToLower(name), "s3") {
				// A SAM policy template (S3CrudPolicy …) grants more than one object.
				out = append(out, [2][]any{{name}, nil})
			}
		}
		for _, st := range list(p["Statement"]) {
			s := asMap(st)
			var acts []any
			for _, a := range list(s["Action"]) {
				if str, _ := a.(string); strings.HasPrefix(str, "s3:") || str == "*" {
					acts = append(acts, a)
				}
			}
			if len(acts) > 0 {
				out = append(out, [2][]any{acts, list(s["Resource"])})
			}
		}
	}
	return out
}

// Org chart uploads: the web function signs forms that may only write new
// uploads, the orgchart function may only read them, and the bucket is
// private, encrypted and emptied after a week.
func TestOrgChartUploadsAreLeastPrivilege(t *testing.T) {
	tpl, _ := load(t)
	bucket := tpl.Resources["OrgChartBucket"]
	if bucket.Type != "AWS::S3::Bucket" {
		t.Fatalf("OrgChartBucket is %q, want an AWS::S3::Bucket", bucket.Type)
	}
	uploads := map[string]any{"Fn::Sub": "${OrgChartBucket.Arn}/orgcharts/*"}
	var web [][2][]any
	for _, st := range s3Statements(tpl, "WebFunction") {
		if slices.ContainsFunc(st[1], func(r any) bool { return strings.Contains(fmt.Sprint(r), "OrgChartBucket") }) {
			web = append(web, st)
		}
	}
	if want := [][2][]any{{{"s3:PutObject"}, {uploads}}}; !cmp.Equal(web, want) {
		t.Errorf("WebFunction's S3 grants on the org chart bucket = %v, want only s3:PutObject on orgcharts/*", web)
	}

	// The orgchart function's policy names the bucket without a reference
	// (a cycle through the bucket's notification otherwise): by the same
	// expression as the bucket's own name, so the two cannot drift apart.
	name := bucket.Properties["BucketName"]
	sub, _ := asMap(name)["Fn::Sub"].([]any)
	if len(sub) != 2 {
		t.Fatalf("OrgChartBucket's BucketName = %v, want a !Sub with variables", name)
	}
	read := map[string]any{"Fn::Sub": []any{"arn:${AWS::Partition}:s3:::" + sub[0].(string) + "/orgcharts/*", sub[1]}}
	if got, want := s3Statements(tpl, "OrgChartFunction"), [][2][]any{{{"s3:GetObject"}, {read}}}; !cmp.Equal(got, want) {
		t.Errorf("OrgChartFunction's S3 grants = %v, want only s3:GetObject on %v", got, read)
	}

	p := bucket.Properties
	pab := asMap(p["PublicAccessBlockConfiguration"])
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if pab[k] != true {
			t.Errorf("OrgChartBucket: %s is %v, want true", k, pab[k])
		}
	}
	if asMap(p["BucketEncryption"])["ServerSideEncryptionConfiguration"] == nil {
		t.Error("OrgChartBucket is not encrypted")
	}
	if _, ok := p["CorsConfiguration"]; ok {
		t.Error("OrgChartBucket has a CORS rule: a form post needs none, and none should widen who may call it")
	}
	expires := false
	for _, r := range list(asMap(p["LifecycleConfiguration"])["Rules"]) {
		m := asMap(r)
		if m["Prefix"] == "orgcharts/" && m["Status"] == "Enabled" && fmt.Sprint(m["ExpirationInDays"]) == "7" {
			expires = true
		}
	}
	if !expires {
		t.Error("OrgChartBucket keeps uploads for ever: want a lifecycle rule expiring orgcharts/ after 7 days")
	}
}
