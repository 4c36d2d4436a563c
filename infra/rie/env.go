package rie

import (
	"fmt"
	"sort"

	"github.com/upward-mentoring/upward/infra/samtemplate"
)

// Local says what the template's references stand for on this machine.
type Local struct {
	// Parameters are the deploy's parameter values; a parameter missing
	// here takes its default, and one without a default is an error.
	Parameters map[string]string
	// Resources are what !Ref of a resource and !GetAtt Resource.Attribute
	// give locally, keyed "Table" or "WebFunctionUrl.FunctionUrl".
	Resources map[string]string
	// Endpoints are the emulators' URLs for the functions' AWS SDK clients,
	// keyed by the SDK's service id as its AWS_ENDPOINT_URL_<ID> variable
	// spells it (DYNAMODB, SESV2, SQS, S3, SECRETS_MANAGER, LAMBDA).
	Endpoints map[string]string
}

// Environment is the whole environment of a function under the emulator:
// the variables template.yaml gives it (Globals and its own, every
// reference resolved with local), what Lambda itself sets (region, name,
// memory, timeout) and the SDK's settings for the emulators (service
// endpoints, dummy credentials). A reference nothing local stands for is an
// error, so a template change cannot pass by unnoticed.
func Environment(tpl *samtemplate.Template, logicalID string, local Local) (map[string]string, error) {
	fn, ok := tpl.Resources[logicalID]
	if !ok || fn.Type != "AWS::Serverless::Function" {
		return nil, fmt.Errorf("template.yaml has no function %s", logicalID)
	}
	r := resolver{tpl: tpl, local: local}
	env := map[string]string{}
	vars := tpl.Environment(logicalID)
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, set, err := r.value(vars[k])
		if err != nil {
			return nil, fmt.Errorf("%s of %s: %w", k, logicalID, err)
		}
		if set {
			env[k] = v
		}
	}
	globals, _ := tpl.Globals["Function"].(map[string]any)
	setting := func(name, def string) (string, error) {
		v, ok := fn.Properties[name]
		if !ok {
			v, ok = globals[name]
		}
		if !ok {
			return def, nil
		}
		s, _, err := r.value(v)
		return s, err
	}
	memory, err := setting("MemorySize", "128")
	if err != nil {
		return nil, err
	}
	timeout, err := setting("Timeout", "3")
	if err != nil {
		return nil, err
	}
	for k, v := range map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        logicalID,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": memory,
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     timeout,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		// Dummy credentials, as Lambda gives the function its role's.
		"AWS_ACCESS_KEY_ID":     "local",
		"AWS_SECRET_ACCESS_KEY": "local",
		"AWS_SESSION_TOKEN":     "local",
		// Nothing from an operator's own AWS files.
		"AWS_CONFIG_FILE":             "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		env[k] = v
	}
	for id, url := range local.Endpoints {
		env["AWS_ENDPOINT_URL_"+id] = url
	}
	return env, nil
}

type resolver struct {
	tpl   *samtemplate.Template
	local Local
}

// value resolves a template value; set is false for AWS::NoValue.
func (r resolver) value(v any) (string, bool, error) {
	switch v := v.(type) {
	case string:
		return v, true, nil
	case int, float64, bool:
		return fmt.Sprint(v), true, nil
	case map[string]any:
		if len(v) != 1 {
			break
		}
		if ref, ok := v["Ref"].(string); ok {
			return r.ref(ref)
		}
		if ga, ok := v["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			key := fmt.Sprintf("%v.%v", ga[0], ga[1])
			if s, ok := r.local.Resources[key]; ok {
				return s, true, nil
			}
			return "", false, fmt.Errorf("nothing local stands for !GetAtt %s: add it to rie.Local.Resources", key)
		}
		if args, ok := v["Fn::If"].([]any); ok && len(args) == 3 {
			cond, _ := args[0].(string)
			holds, err := r.holds(cond)
			if err != nil {
				return "", false, err
			}
			if holds {
				return r.value(args[1])
			}
			return r.value(args[2])
		}
	}
	return "", false, fmt.Errorf("cannot resolve %v locally: teach infra/rie/env.go this form", v)
}

func (r resolver) ref(name string) (string, bool, error) {
	if name == "AWS::NoValue" {
		return "", false, nil
	}
	if p, ok := r.tpl.Parameters[name]; ok {
		if s, ok := r.local.Parameters[name]; ok {
			return s, true, nil
		}
		if d, ok := p.(map[string]any)["Default"]; ok {
			return fmt.Sprint(d), true, nil
		}
		return "", false, fmt.Errorf("parameter %s has no default and no local value", name)
	}
	if s, ok := r.local.Resources[name]; ok {
		return s, true, nil
	}
	switch name {
	case "AWS::Region":
		return "us-east-1", true, nil
	case "AWS::AccountId":
		return "000000000000", true, nil
	case "AWS::Partition":
		return "aws", true, nil
	case "AWS::StackName":
		return "upward-local", true, nil
	}
	return "", false, fmt.Errorf("nothing local stands for !Ref %s: add it to rie.Local.Resources", name)
}

// holds evaluates a condition with the local parameter values: the
// template's own evaluation (defaults) is used when none is overridden.
func (r resolver) holds(cond string) (bool, error) {
	if len(r.local.Parameters) == 0 {
		return r.tpl.Holds(cond)
	}
	params := map[string]any{}
	for k, v := range r.tpl.Parameters {
		p := map[string]any{}
		for pk, pv := range v.(map[string]any) {
			p[pk] = pv
		}
		if s, ok := r.local.Parameters[k]; ok {
			p["Default"] = s
		}
		params[k] = p
	}
	t := *r.tpl
	t.Parameters = params
	return t.Holds(cond)
}
