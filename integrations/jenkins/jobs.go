package jenkins

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bndr/gojenkins"
)

// Job is a Jenkins job with its parameter definitions.
type Job struct {
	// Name is the job's full name; a job in a folder is "folder/job".
	Name string
	URL  string

	// Buildable is false for a disabled job.
	Buildable bool

	// InQueue is true while the job has at least one item in the queue.
	InQueue bool

	// Concurrent is true when builds of the job may run side by side.
	Concurrent bool

	Params []ParamDef
}

// ParamDef is the definition of one build parameter.
type ParamDef struct {
	Name string

	// Type is Jenkins' name for the kind of parameter, such as
	// "StringParameterDefinition" or "ChoiceParameterDefinition".
	Type        string
	Description string
	Default     string

	// Choices are the values a choice parameter allows.
	Choices []string
}

// Parameter types whose values gordon checks.
const (
	typeBoolean = "BooleanParameterDefinition"
	typeChoice  = "ChoiceParameterDefinition"
	typeFile    = "FileParameterDefinition"
)

// jobTree is the part of a job's JSON that Job needs.
const jobTree = "name,fullName,url,buildable,inQueue,concurrentBuild," +
	"property[parameterDefinitions[name,type,description,defaultParameterValue[value],choices]]"

// jobJSON is a job as Jenkins writes it. Jenkins lists choices, which
// gojenkins' parameter definition leaves out.
type jobJSON struct {
	gojenkins.JobResponse
	Property []struct {
		ParameterDefinitions []paramDefJSON `json:"parameterDefinitions"`
	} `json:"property"`
}

type paramDefJSON struct {
	gojenkins.ParameterDefinition
	Choices []string `json:"choices"`
}

// Job returns the job named name. A job Jenkins does not have is a
// *NotFoundError matching ErrNoSuchJob.
func (c *Client) Job(ctx context.Context, name string) (Job, error) {
	var raw jobJSON
	_, err := c.getJSON(ctx, jobPath(name), map[string]string{"tree": jobTree}, &raw)
	if err != nil {
		return Job{}, fmt.Errorf("read job %s: %w", name, notFound(err, ErrNoSuchJob, name))
	}
	return raw.job(name), nil
}

// job converts the JSON, naming the job name when Jenkins gave no full
// name.
func (raw jobJSON) job(name string) Job {
	j := Job{
		Name:       raw.FullName,
		URL:        raw.URL,
		Buildable:  raw.Buildable,
		InQueue:    raw.InQueue,
		Concurrent: raw.ConcurrentBuild,
	}
	if j.Name == "" {
		j.Name = name
	}

	for _, prop := range raw.Property {
		for _, d := range prop.ParameterDefinitions {
			j.Params = append(j.Params, ParamDef{
				Name:        d.Name,
				Type:        d.Type,
				Description: d.Description,
				Default:     valueText(d.DefaultParameterValue.Value),
				Choices:     d.Choices,
			})
		}
	}
	return j
}

// Jobs returns the names of the jobs at Jenkins' top level.
func (c *Client) Jobs(ctx context.Context) ([]string, error) {
	var root struct {
		Jobs []gojenkins.InnerJob `json:"jobs"`
	}
	if _, err := c.getJSON(ctx, "/", map[string]string{"tree": "jobs[name]"}, &root); err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}

	names := make([]string, len(root.Jobs))
	for i, j := range root.Jobs {
		names[i] = j.Name
	}
	return names, nil
}

// Param returns the definition of the parameter name: the one with that
// exact name, or else the only one whose name differs from it in case, so
// that "pr=12" reaches a parameter PR.
func (j Job) Param(name string) (ParamDef, bool) {
	var found []ParamDef
	for _, d := range j.Params {
		if d.Name == name {
			return d, true
		}
		if strings.EqualFold(d.Name, name) {
			found = append(found, d)
		}
	}

	if len(found) == 1 {
		return found[0], true
	}
	return ParamDef{}, false
}

// CheckParams checks params against the job's definitions and returns
// them under the names the job gives them. A name the job does not define
// is a *ParamError matching ErrUnknownParam; a value the definition
// refuses matches ErrBadParamValue. Parameters left out take their
// defaults in Jenkins.
func (j Job) CheckParams(params map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(params))
	for _, name := range slices.Sorted(maps.Keys(params)) {
		def, ok := j.Param(name)
		if !ok {
			return nil, j.unknownParam(name)
		}
		if _, dup := out[def.Name]; dup {
			return nil, j.badValue(def.Name, fmt.Sprintf("got %s twice", def.Name))
		}

		v, reason := def.check(params[name])
		if reason != "" {
			return nil, j.badValue(def.Name, reason)
		}
		out[def.Name] = v
	}
	return out, nil
}

// unknownParam returns the error for a parameter the job does not define.
func (j Job) unknownParam(name string) error {
	reason := fmt.Sprintf("takes no parameter %s", name)
	if len(j.Params) == 0 {
		reason = fmt.Sprintf("takes no parameters (got %s)", name)
	} else {
		reason += " (it takes " + strings.Join(j.ParamNames(), ", ") + ")"
	}
	return &ParamError{Job: j.Name, Param: name, Reason: reason, Kind: ErrUnknownParam}
}

// badValue returns the error for a value the definition of name refuses.
func (j Job) badValue(name, reason string) error {
	return &ParamError{Job: j.Name, Param: name, Reason: reason, Kind: ErrBadParamValue}
}

// ParamNames returns the names of the job's parameters, in Jenkins' order.
func (j Job) ParamNames() []string {
	names := make([]string, len(j.Params))
	for i, d := range j.Params {
		names[i] = d.Name
	}
	return names
}

// HasParam reports whether the job defines the parameter name exactly.
func (j Job) HasParam(name string) bool {
	return slices.ContainsFunc(j.Params, func(d ParamDef) bool { return d.Name == name })
}

// check returns the value to send for v, or why the definition refuses it.
// Jenkins reads any boolean other than "true" as false and fails a build
// on an unknown choice, so both are checked here first.
func (d ParamDef) check(v string) (string, string) {
	switch d.Type {
	case typeBoolean:
		if b := strings.ToLower(v); b == "true" || b == "false" {
			return b, ""
		}
		return "", fmt.Sprintf("%s is true or false, not %q", d.Name, v)
	case typeChoice:
		if slices.Contains(d.Choices, v) {
			return v, ""
		}
		return "", fmt.Sprintf("%s is one of %s, not %q", d.Name, strings.Join(d.Choices, ", "), v)
	case typeFile:
		return "", fmt.Sprintf("%s is a file parameter, which gordon cannot send", d.Name)
	}
	return v, ""
}

// valueText writes a parameter value from Jenkins' JSON (a string, a
// boolean or a number) as text.
func valueText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return fmt.Sprintf("%g", v)
	}
	return fmt.Sprint(v)
}
