// Package samtemplate reads template.yaml so tests can hold it to the code:
// the functions, their build targets, the table's keys and the settings
// each function reads.
package samtemplate

import (
	"fmt"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

// Template is the parsed template. CloudFormation's short-form tags (!Ref,
// !GetAtt, !Sub, !If …) become one-key maps such as {"Ref": "Table"}, the
// same shape as their long form, so either spelling reads the same.
type Template struct {
	Parameters map[string]any
	Conditions map[string]any
	Globals    map[string]any
	Resources  map[string]Resource
	Outputs    map[string]any
}

// Resource is one entry under Resources.
type Resource struct {
	Type       string
	Properties map[string]any
	Metadata   map[string]any
	// DeletionPolicy and UpdateReplacePolicy are "" when CloudFormation's
	// default (Delete) applies.
	DeletionPolicy      string
	UpdateReplacePolicy string
}

// Load reads and parses a template file.
func Load(path string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	return parse(path, b)
}

// parse reads a template in YAML or JSON.
func parse(path string, b []byte) (*Template, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	doc, ok := convert(&root).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not a mapping", path)
	}
	t := &Template{
		Parameters: asMap(doc["Parameters"]),
		Conditions: asMap(doc["Conditions"]),
		Globals:    asMap(doc["Globals"]),
		Outputs:    asMap(doc["Outputs"]),
		Resources:  map[string]Resource{},
	}
	for name, v := range asMap(doc["Resources"]) {
		m := asMap(v)
		typ, _ := m["Type"].(string)
		del, _ := m["DeletionPolicy"].(string)
		repl, _ := m["UpdateReplacePolicy"].(string)
		t.Resources[name] = Resource{Type: typ, Properties: asMap(m["Properties"]), Metadata: asMap(m["Metadata"]),
			DeletionPolicy: del, UpdateReplacePolicy: repl}
	}
	return t, nil
}

// OfType lists the logical ids of resources of a type, sorted.
func (t *Template) OfType(typ string) []string {
	var out []string
	for name, r := range t.Resources {
		if r.Type == typ {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Environment returns the variables a function sees: the globals' and its own.
func (t *Template) Environment(function string) map[string]any {
	env := map[string]any{}
	g := asMap(asMap(asMap(t.Globals["Function"])["Environment"])["Variables"])
	for k, v := range g {
		env[k] = v
	}
	own := asMap(asMap(t.Resources[function].Properties["Environment"])["Variables"])
	for k, v := range own {
		env[k] = v
	}
	return env
}

var longForm = map[string]string{
	"!Ref": "Ref", "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!If": "Fn::If", "!Not": "Fn::Not",
	"!Equals": "Fn::Equals", "!Join": "Fn::Join", "!Select": "Fn::Select", "!Split": "Fn::Split",
	"!FindInMap": "Fn::FindInMap", "!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue",
	"!And": "Fn::And", "!Or": "Fn::Or", "!Condition": "Condition", "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr",
}

func convert(n *yaml.Node) any {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return convert(n.Content[0])
	case yaml.AliasNode:
		return convert(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = convert(n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			s = append(s, convert(c))
		}
		v = s
	case yaml.ScalarNode:
		var x any
		if err := n.Decode(&x); err != nil || n.Tag != "" && n.Tag[0] == '!' && n.Tag[1] != '!' {
			x = n.Value
		}
		v = x
	}
	if name, ok := longForm[n.Tag]; ok {
		if name == "Fn::GetAtt" {
			if s, ok := v.(string); ok { // !GetAtt A.B is [A, B] in long form
				for i := 0; i < len(s); i++ {
					if s[i] == '.' {
						v = []any{s[:i], s[i+1:]}
						break
					}
				}
			}
		}
		return map[string]any{name: v}
	}
	return v
}

func asMap(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}

// Holds evaluates a named condition as a deploy that accepts every
// parameter's default would: what a first `sam deploy` gets.
func (t *Template) Holds(condition string) (bool, error) {
	c, ok := t.Conditions[condition]
	if !ok {
		return false, fmt.Errorf("no condition %q", condition)
	}
	return t.eval(c, 0)
}

func (t *Template) eval(c any, depth int) (bool, error) {
	if depth > 20 {
		return false, fmt.Errorf("conditions nest too deep")
	}
	m := asMap(c)
	if len(m) != 1 {
		return false, fmt.Errorf("condition %v is not one function", c)
	}
	for fn, arg := range m {
		args, _ := arg.([]any)
		switch fn {
		case "Condition":
			name, _ := arg.(string)
			return t.Holds(name)
		case "Fn::Not":
			if len(args) != 1 {
				return false, fmt.Errorf("Fn::Not takes one condition")
			}
			v, err := t.eval(args[0], depth+1)
			return !v, err
		case "Fn::And", "Fn::Or":
			and := fn == "Fn::And"
			for _, a := range args {
				v, err := t.eval(a, depth+1)
				if err != nil {
					return false, err
				}
				if v != and {
					return v, nil
				}
			}
			return and, nil
		case "Fn::Equals":
			if len(args) != 2 {
				return false, fmt.Errorf("Fn::Equals takes two values")
			}
			a, err := t.value(args[0])
			if err != nil {
				return false, err
			}
			b, err := t.value(args[1])
			return a == b, err
		}
		return false, fmt.Errorf("unsupported condition function %s", fn)
	}
	panic("unreachable")
}

// value is a literal or a parameter's default, as CloudFormation compares
// them: as strings.
func (t *Template) value(v any) (string, error) {
	if ref, ok := asMap(v)["Ref"].(string); ok {
		p, ok := t.Parameters[ref]
		if !ok {
			return "", fmt.Errorf("Ref to %q, which is no parameter", ref)
		}
		d, ok := asMap(p)["Default"]
		if !ok {
			return "", fmt.Errorf("parameter %s has no default", ref)
		}
		return fmt.Sprint(d), nil
	}
	switch v.(type) {
	case string, int, float64, bool:
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("cannot compare %v", v)
}

// ParameterDefault is a literal, or a Ref to a parameter's default, as a
// string: what a first deploy that accepts every default gets.
func (t *Template) ParameterDefault(v any) (string, error) { return t.value(v) }
