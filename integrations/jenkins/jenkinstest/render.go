package jenkinstest

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// obj is a JSON object as Jenkins writes it.
type obj = map[string]any

// Java classes that Jenkins names in "_class".
const (
	classJob        = "hudson.model.FreeStyleProject"
	classBuild      = "hudson.model.FreeStyleBuild"
	classAgent      = "hudson.slaves.SlaveComputer"
	classBuiltIn    = "hudson.model.Hudson$MasterComputer"
	classLeftItem   = "hudson.model.Queue$LeftItem"
	classParamsProp = "hudson.model.ParametersDefinitionProperty"
)

// renderer writes the simulator's objects as Jenkins' JSON API does. At
// depth 0 nested objects are references (class, name or number, URL);
// deep renders them whole, for tree= and depth= queries.
type renderer struct {
	base string
	deep bool
}

// jobURL returns a job's URL; a job "folder/x" lives at job/folder/job/x/.
func (rd renderer) jobURL(j *job) string {
	parts := strings.Split(j.Name, "/")
	for i, p := range parts {
		parts[i] = "job/" + url.PathEscape(p)
	}
	return rd.base + strings.Join(parts, "/") + "/"
}

func (rd renderer) buildURL(b *build) string {
	return fmt.Sprintf("%s%d/", rd.jobURL(b.job), b.number)
}

// ms writes a time as Jenkins does, in milliseconds since 1970.
func ms(t time.Time) int64 {
	return t.UnixMilli()
}

func (rd renderer) root(s *Server) obj {
	jobs := make([]any, 0, len(s.jobOrder))
	for _, name := range s.jobOrder {
		jobs = append(jobs, rd.jobRef(s, s.jobs[name]))
	}

	view := obj{"_class": "hudson.model.AllView", "name": "all", "url": rd.base}
	return obj{
		"_class":          "hudson.model.Hudson",
		"assignedLabels":  []any{obj{"name": "built-in"}},
		"mode":            "NORMAL",
		"nodeDescription": "the Jenkins controller's built-in node",
		"nodeName":        "",
		"numExecutors":    0,
		"description":     nil,
		"jobs":            jobs,
		"overallLoad":     obj{},
		"primaryView":     view,
		"quietDownReason": nil,
		"quietingDown":    false,
		"slaveAgentPort":  -1,
		"unlabeledLoad":   obj{"_class": "jenkins.model.UnlabeledLoadStatistics"},
		"url":             rd.base,
		"useCrumbs":       true,
		"useSecurity":     true,
		"views":           []any{view},
	}
}

// jobRef is a job as a list shows it, whole when deep.
func (rd renderer) jobRef(s *Server, j *job) obj {
	if rd.deep {
		return rd.job(s, j)
	}
	return obj{"_class": classJob, "name": j.Name, "url": rd.jobURL(j), "color": j.color()}
}

// color is the ball Jenkins shows for a job.
func (j *job) color() string {
	if j.Disabled {
		return "disabled"
	}

	color := "notbuilt"
	if b := j.last(func(b *build) bool { return b.result != "" }); b != nil {
		color = map[string]string{Success: "blue", Unstable: "yellow", Failure: "red", Aborted: "aborted"}[b.result]
	}
	if j.running() != nil {
		color += "_anime"
	}
	return color
}

// last returns the newest build of j that ok accepts, or nil.
func (j *job) last(ok func(*build) bool) *build {
	for i := len(j.builds) - 1; i >= 0; i-- {
		if ok(j.builds[i]) {
			return j.builds[i]
		}
	}
	return nil
}

func (rd renderer) job(s *Server, j *job) obj {
	defs := make([]any, len(j.Params))
	for i, p := range j.Params {
		defs[i] = paramDef(p)
	}
	var props []any
	if len(defs) > 0 {
		props = []any{obj{"_class": classParamsProp, "parameterDefinitions": defs}}
	}

	o := obj{
		"_class":             classJob,
		"actions":            append([]any{obj{}}, props...),
		"description":        "",
		"displayName":        j.Name,
		"displayNameOrNull":  nil,
		"fullDisplayName":    j.Name,
		"fullName":           j.Name,
		"name":               j.Name,
		"url":                rd.jobURL(j),
		"buildable":          !j.Disabled,
		"builds":             rd.buildRefs(j, 100),
		"allBuilds":          rd.buildRefs(j, len(j.builds)),
		"color":              j.color(),
		"concurrentBuild":    j.Concurrent,
		"disabled":           j.Disabled,
		"healthReport":       []any{},
		"keepDependencies":   false,
		"nextBuildNumber":    j.next,
		"property":           append([]any{}, props...),
		"labelExpression":    nil,
		"scm":                obj{"_class": "hudson.scm.NullSCM"},
		"downstreamProjects": []any{},
		"upstreamProjects":   []any{},
	}
	rd.lastBuilds(j, o)
	rd.queueState(s, j, o)
	return o
}

// lastBuilds adds the lastBuild, lastSuccessfulBuild... fields.
func (rd renderer) lastBuilds(j *job, o obj) {
	is := func(results ...string) func(*build) bool {
		return func(b *build) bool {
			for _, r := range results {
				if b.result == r {
					return true
				}
			}
			return false
		}
	}

	picks := map[string]func(*build) bool{
		"lastBuild":             func(*build) bool { return true },
		"lastCompletedBuild":    func(b *build) bool { return b.result != "" },
		"lastFailedBuild":       is(Failure),
		"lastStableBuild":       is(Success),
		"lastSuccessfulBuild":   is(Success, Unstable),
		"lastUnstableBuild":     is(Unstable),
		"lastUnsuccessfulBuild": is(Unstable, Failure, Aborted),
	}
	for field, ok := range picks {
		o[field] = rd.buildRefOrNil(j.last(ok))
	}
	o["firstBuild"] = nil
	if len(j.builds) > 0 {
		o["firstBuild"] = rd.buildRef(j.builds[0])
	}
}

// queueState adds inQueue and queueItem.
func (rd renderer) queueState(s *Server, j *job, o obj) {
	o["inQueue"], o["queueItem"] = false, nil
	for _, it := range s.waiting() {
		if it.job == j {
			o["inQueue"], o["queueItem"] = true, rd.item(it)
			return
		}
	}
}

// buildRefs lists the builds of j, newest first, at most max: Jenkins
// lists the newest 100 as builds and every one as allBuilds.
func (rd renderer) buildRefs(j *job, max int) []any {
	var refs []any
	for i := len(j.builds) - 1; i >= 0 && len(refs) < max; i-- {
		refs = append(refs, rd.buildRef(j.builds[i]))
	}
	return refs
}

func (rd renderer) buildRefOrNil(b *build) any {
	if b == nil {
		return nil
	}
	return rd.buildRef(b)
}

// buildRef is a build as a list shows it, whole when deep.
func (rd renderer) buildRef(b *build) obj {
	if rd.deep {
		return rd.build(b)
	}
	return obj{"_class": classBuild, "number": b.number, "url": rd.buildURL(b)}
}

func (rd renderer) build(b *build) obj {
	var result any
	duration := b.duration
	if b.result != "" {
		result = b.result
	} else {
		duration = 0
	}

	return obj{
		"_class":            classBuild,
		"actions":           buildActions(b.params, b.cause),
		"artifacts":         []any{},
		"building":          b.result == "",
		"description":       nil,
		"displayName":       fmt.Sprintf("#%d", b.number),
		"duration":          duration.Milliseconds(),
		"estimatedDuration": b.job.Duration.Milliseconds(),
		"executor":          nil,
		"fullDisplayName":   fmt.Sprintf("%s #%d", b.job.Name, b.number),
		"id":                fmt.Sprint(b.number),
		"keepLog":           false,
		"number":            b.number,
		"queueId":           b.queueID,
		"result":            result,
		"timestamp":         ms(b.started),
		"url":               rd.buildURL(b),
		"builtOn":           b.node,
		"culprits":          []any{},
		"changeSet":         obj{"_class": "hudson.scm.EmptyChangeLogSet", "items": []any{}, "kind": nil},
	}
}

// buildActions are the actions of a build or queue item: its parameters,
// when it has any, and its cause.
func buildActions(values []paramValue, cause string) []any {
	causes := obj{"_class": "hudson.model.CauseAction", "causes": []any{obj{
		"_class":           "hudson.model.Cause$UserIdCause",
		"shortDescription": "Started by user " + cause,
		"userId":           cause,
		"userName":         cause,
	}}}
	if len(values) == 0 {
		return []any{causes, obj{}}
	}

	params := make([]any, len(values))
	for i, v := range values {
		params[i] = paramValueJSON(v)
	}
	return []any{obj{"_class": "hudson.model.ParametersAction", "parameters": params}, causes, obj{}}
}

// valueClass returns the class of a value of a parameter of type typ.
func valueClass(typ string) string {
	if typ == BooleanParam {
		return "hudson.model.BooleanParameterValue"
	}
	return "hudson.model.StringParameterValue"
}

func paramValueJSON(v paramValue) obj {
	var value any = v.value
	if v.typ == BooleanParam {
		value = v.value == "true"
	}
	return obj{"_class": valueClass(v.typ), "name": v.name, "value": value}
}

func paramDef(p ParamSpec) obj {
	def := paramValueJSON(paramValue{name: p.Name, typ: p.typ(), value: p.Default})
	if p.typ() == ChoiceParam && len(p.Choices) > 0 {
		def["value"] = p.Choices[0]
	}

	o := obj{
		"_class":                "hudson.model." + p.typ(),
		"defaultParameterValue": def,
		"description":           p.Description,
		"name":                  p.Name,
		"type":                  p.typ(),
	}
	if p.typ() == ChoiceParam {
		o["choices"] = append([]string{}, p.Choices...)
	}
	return o
}
