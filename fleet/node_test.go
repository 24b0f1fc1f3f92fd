package fleet

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestNodeDetail(t *testing.T) {
	src := &fakeSource{nodes: []Node{{
		Name:    "dm-3",
		Address: "10.0.0.3",
		Meta:    map[string]string{"kernel": "4.19.0-17", "docker_version": "Docker version 1.7.0", "rack": "r1"},
		Checks: []Check{
			{Name: "serf", Status: StatusPassing},
			{Name: "load", Status: StatusWarning, Output: "load 12"},
			{Name: "docker", Service: "docker", Status: StatusCritical,
				Output: "Get https://ci:s3cret@10.0.0.3:2375/info:\n  connection refused"},
			{Name: "agent", Service: "jenkins", Status: StatusMaintenance, Notes: "paused"},
			{Name: "disk", Status: StatusCritical, Output: "98% used"},
		},
		Services: []Service{
			{ID: "j1", Name: "jenkins", Tags: []string{"linux", "gpu"}},
			{ID: "d1", Name: "docker", Tags: []string{"linux"}},
		},
	}}}
	inv := NewInventory(src, nil, DefaultMetaKeys())

	d, err := inv.Node(context.Background(), "dm-3")
	if err != nil {
		t.Fatalf("Node: %v", err)
	}

	if d.Health != Unhealthy || d.Checks != 5 || d.Address != "10.0.0.3" {
		t.Fatalf("detail = %+v", d)
	}
	wantValues := []KeyValue{{"kernel", "4.19.0-17"}, {"docker", "Docker version 1.7.0"}}
	if !slices.Equal(d.Values, wantValues) {
		t.Fatalf("values = %v, want %v", d.Values, wantValues)
	}
	wantFailing := []CheckView{
		{Name: "disk", Status: StatusCritical, Output: "98% used"},
		{Name: "docker", Service: "docker", Status: StatusCritical,
			Output: "Get https://ci:[redacted]@10.0.0.3:2375/info: connection refused"},
		{Name: "load", Status: StatusWarning, Output: "load 12"},
		{Name: "agent", Service: "jenkins", Status: StatusMaintenance},
	}
	if !slices.Equal(d.Failing, wantFailing) {
		t.Fatalf("failing =\n%+v\nwant\n%+v", d.Failing, wantFailing)
	}
	if !slices.Equal(d.Services, []string{"docker", "jenkins"}) || !slices.Equal(d.Tags, []string{"gpu", "linux"}) {
		t.Fatalf("services %v, tags %v", d.Services, d.Tags)
	}
}

func TestNodeMaintenance(t *testing.T) {
	src := &fakeSource{nodes: []Node{{
		Name: "dm-5", Maintenance: true, MaintenanceReason: "kernel upgrade, token=abc",
		Checks: []Check{{Name: "serf", Status: StatusPassing}},
	}}}

	d, err := NewInventory(src, nil, DefaultMetaKeys()).Node(context.Background(), "dm-5")
	if err != nil {
		t.Fatalf("Node: %v", err)
	}
	if d.Health != Maint || !d.Maintenance || d.MaintenanceReason != "kernel upgrade, token=[redacted]" {
		t.Fatalf("detail = %+v", d)
	}
}

func TestNodeErrors(t *testing.T) {
	down := errors.New("consul unreachable")
	tests := []struct {
		name string
		src  *fakeSource
		want error
	}{
		{"no such node", &fakeSource{}, ErrNoNode},
		{"source down", &fakeSource{err: down}, down},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewInventory(tt.src, nil, DefaultMetaKeys()).Node(context.Background(), "dm-9")
			if !errors.Is(err, tt.want) {
				t.Fatalf("Node = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestHealthOf(t *testing.T) {
	tests := []struct {
		name string
		node Node
		want Health
	}{
		{"no checks", Node{}, Healthy},
		{"passing", Node{Checks: []Check{{Status: StatusPassing}}}, Healthy},
		{"warning", Node{Checks: []Check{{Status: StatusWarning}}}, Warning},
		{"critical beats warning", Node{Checks: []Check{{Status: StatusWarning}, {Status: StatusCritical}}}, Unhealthy},
		{"service maintenance is not a failure", Node{Checks: []Check{{Status: StatusMaintenance}}}, Healthy},
		{"maintenance beats critical", Node{Maintenance: true, Checks: []Check{{Status: StatusCritical}}}, Maint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HealthOf(tt.node); got != tt.want {
				t.Fatalf("HealthOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseState(t *testing.T) {
	for _, word := range []string{"all", "unhealthy", "healthy", "maint"} {
		s, ok := ParseState(word)
		if !ok || s.String() != word {
			t.Fatalf("ParseState(%q) = %v, %v", word, s, ok)
		}
	}
	if _, ok := ParseState("broken"); ok {
		t.Fatal(`ParseState("broken") is a state`)
	}
}
