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
	Globals    map[string]any
	Resources  map[string]Resource
	Outputs    map[string]any
}

// Resource is one entry under Resources.
type Resource struct {
	Type       string
	Properties map[string]any
	Metadata   map[string]any
}

// Load reads and parses a template file.
func Load(path string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
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
		Globals:    asMap(doc["Globals"]),
		Outputs:    asMap(doc["Outputs"]),
		Resources:  map[string]Resource{},
	}
	for name, v := range asMap(doc["Resources"]) {
		m := asMap(v)
		typ, _ := m["Type"].(string)
		t.Resources[name] = Resource{Type: typ, Properties: asMap(m["Properties"]), Metadata: asMap(m["Metadata"])}
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
