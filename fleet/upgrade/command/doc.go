// Package command is the upgrade runner that runs a local program for
// each node: the [upgrade.command] section names the program and its
// arguments as a list, each a text/template over the node ({{.Node}},
// {{.Address}}, {{.Version}}, {{.URL}}). No shell ever sees them, so a
// node name cannot smuggle in a command. A probe, written the same way,
// asks which version a node runs.
//
// Each run has a time limit; at the limit the program and every process
// it started are killed. The end of what it wrote is kept for the report.
package command
