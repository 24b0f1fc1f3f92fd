package jenkinstest

import (
	"strconv"
	"strings"
)

// builtInName is the built-in node's name in URLs.
const builtInName = "(built-in)"

// item writes a queue item. Its task is always a reference, so that a
// deep job and its item do not render each other without end.
func (rd renderer) item(it *queueItem) obj {
	o := obj{
		"_class":       itemClass(it),
		"actions":      buildActions(it.params, it.cause),
		"blocked":      it.blocked,
		"buildable":    it.buildable,
		"id":           it.id,
		"inQueueSince": ms(it.since),
		"params":       paramsText(it.params),
		"stuck":        false,
		"task":         rd.jobRefOnly(it.job),
		"url":          itemURL(it),
		"why":          nil,
	}
	if it.why != "" {
		o["why"] = it.why
	}

	switch {
	case it.build != nil || it.cancelled:
		o["cancelled"] = it.cancelled
		o["executable"] = nil
		if it.build != nil {
			o["executable"] = rd.buildRef(it.build)
		}
	case it.buildable:
		o["pending"] = false
		o["buildableStartMilliseconds"] = ms(it.readyAt)
	default:
		o["timestamp"] = ms(it.readyAt)
	}
	return o
}

// jobRefOnly is a job reference, whatever the depth.
func (rd renderer) jobRefOnly(j *job) obj {
	return obj{"_class": classJob, "name": j.Name, "url": rd.jobURL(j), "color": j.color()}
}

// itemURL is an item's URL, relative to the root as Jenkins writes it.
func itemURL(it *queueItem) string {
	return "queue/item/" + strconv.FormatInt(it.id, 10) + "/"
}

// itemClass is the class of a queue item in its present state.
func itemClass(it *queueItem) string {
	switch {
	case it.build != nil || it.cancelled:
		return classLeftItem
	case it.blocked:
		return "hudson.model.Queue$BlockedItem"
	case it.buildable:
		return "hudson.model.Queue$BuildableItem"
	}
	return "hudson.model.Queue$WaitingItem"
}

// paramsText writes parameters as an item's "params" field does, one
// "\nNAME=value" each.
func paramsText(values []paramValue) string {
	var b strings.Builder
	for _, v := range values {
		b.WriteString("\n" + v.name + "=" + v.value)
	}
	return b.String()
}

func (rd renderer) queue(s *Server) obj {
	items := []any{}
	for _, it := range s.waiting() {
		items = append(items, rd.item(it))
	}
	return obj{"_class": "hudson.model.Queue", "discoverableItems": []any{}, "items": items}
}

func (rd renderer) computers(s *Server) obj {
	list := []any{rd.builtIn()}
	busy, total := 0, 0
	for _, c := range s.computers {
		list = append(list, rd.computer(s, c))
		if !c.offline() {
			busy, total = busy+s.busy(c), total+c.Executors
		}
	}
	return obj{
		"_class":         "hudson.model.ComputerSet",
		"busyExecutors":  busy,
		"computer":       list,
		"displayName":    "Nodes",
		"totalExecutors": total,
	}
}

// builtIn writes Jenkins' own node, which runs no build here.
func (rd renderer) builtIn() obj {
	o := computerBase(classBuiltIn, "Built-In Node", []string{"built-in"}, 0)
	o["idle"], o["offline"], o["temporarilyOffline"] = true, false, false
	o["offlineCause"], o["offlineCauseReason"] = nil, ""
	return o
}

func (rd renderer) computer(s *Server, c *computer) obj {
	o := computerBase(classAgent, c.Name, c.labels(), c.Executors)
	o["idle"] = s.busy(c) == 0
	o["offline"], o["temporarilyOffline"] = c.offline(), c.tempOffline
	o["offlineCause"], o["offlineCauseReason"] = nil, ""
	if c.tempOffline {
		o["offlineCause"] = obj{
			"_class":      "hudson.slaves.OfflineCause$UserCause",
			"description": "Disconnected by " + c.by + " : " + c.reason,
			"timestamp":   ms(c.since),
		}
		o["offlineCauseReason"] = c.reason
	}
	o["executors"] = rd.executors(s, c)
	return o
}

// computerBase holds what every computer's JSON has.
func computerBase(class, name string, labels []string, executors int) obj {
	assigned := make([]any, len(labels))
	for i, l := range labels {
		assigned[i] = obj{"name": l}
	}
	return obj{
		"_class":              class,
		"actions":             []any{},
		"assignedLabels":      assigned,
		"description":         "",
		"displayName":         name,
		"executors":           []any{},
		"icon":                "symbol-computer",
		"iconClassName":       "icon-computer",
		"jnlpAgent":           class == classAgent,
		"launchSupported":     false,
		"loadStatistics":      obj{"_class": "hudson.model.Label$1"},
		"manualLaunchAllowed": true,
		"monitorData":         obj{},
		"numExecutors":        executors,
		"oneOffExecutors":     []any{},
	}
}

// executors lists c's executors with what each runs; at depth 0 they are
// empty objects, as in Jenkins.
func (rd renderer) executors(s *Server, c *computer) []any {
	var running []*build
	for _, name := range s.jobOrder {
		for _, b := range s.jobs[name].builds {
			if b.result == "" && b.node == c.Name {
				running = append(running, b)
			}
		}
	}

	list := make([]any, c.Executors)
	for i := range list {
		e := obj{}
		if rd.deep {
			e = obj{"idle": i >= len(running), "number": i, "progress": -1, "currentExecutable": nil}
			if i < len(running) {
				e["currentExecutable"] = rd.buildRef(running[i])
			}
		}
		list[i] = e
	}
	return list
}

// label writes the label or label expression expr with its nodes.
func (rd renderer) label(s *Server, expr string, match *labelExpr) obj {
	nodes := []any{}
	idle, busy, offline := 0, 0, true
	for _, c := range s.computers {
		if !match.matches(c.labels()) {
			continue
		}
		nodes = append(nodes, obj{"_class": "hudson.slaves.DumbSlave", "nodeName": c.Name})
		if !c.offline() {
			offline = false
			n := s.busy(c)
			busy, idle = busy+n, idle+c.Executors-n
		}
	}

	return obj{
		"_class":         match.class(),
		"actions":        []any{},
		"busyExecutors":  busy,
		"clouds":         []any{},
		"description":    nil,
		"idleExecutors":  idle,
		"loadStatistics": obj{"_class": "hudson.model.Label$1"},
		"name":           expr,
		"nodes":          nodes,
		"offline":        offline,
		"tiedJobs":       []any{},
		"totalExecutors": busy + idle,
		"propertiesList": []any{},
	}
}
