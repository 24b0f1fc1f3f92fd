package upgrade

import (
	"context"
	"errors"

	"github.com/gordonbot/gordon/integrations/jenkins"
)

// JenkinsAgents is Jenkins' agents as the Upgrader takes them offline
// and back: an AgentLister and an AgentControl. An agent is named as its
// node.
type JenkinsAgents struct {
	Client *jenkins.Client
}

// Agents lists the agents with their labels, without Jenkins' own node.
func (j JenkinsAgents) Agents(ctx context.Context) ([]Agent, error) {
	comps, err := j.Client.Computers(ctx)
	if err != nil {
		return nil, err
	}

	var agents []Agent
	for _, c := range comps {
		if !c.BuiltIn {
			agents = append(agents, Agent{Name: c.Name, Labels: c.Labels, Offline: c.Offline})
		}
	}
	return agents, nil
}

// Offline takes node's agent offline and says whether someone had
// already done so, so that the upgrade leaves it as it found it.
func (j JenkinsAgents) Offline(ctx context.Context, node, reason string) (bool, error) {
	before, err := j.Client.Computer(ctx, node)
	if err != nil {
		return false, noAgent(err)
	}
	_, err = j.Client.SetOffline(ctx, node, reason)
	return before.TemporarilyOffline, noAgent(err)
}

// Online brings node's agent back.
func (j JenkinsAgents) Online(ctx context.Context, node string) error {
	_, err := j.Client.SetOnline(ctx, node)
	return noAgent(err)
}

// Busy reports whether a build runs on node's agent.
func (j JenkinsAgents) Busy(ctx context.Context, node string) (bool, error) {
	comp, err := j.Client.Computer(ctx, node)
	return err == nil && !comp.Idle, noAgent(err)
}

// noAgent marks Jenkins' "no such node" as ErrNoAgent.
func noAgent(err error) error {
	if errors.Is(err, jenkins.ErrNoSuchNode) {
		return errors.Join(ErrNoAgent, err)
	}
	return err
}
