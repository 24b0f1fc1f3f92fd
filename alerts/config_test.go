package alerts

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
)

// section wraps the alerts config as gordon's file holds it.
type section struct {
	Alerts Config `toml:"alerts"`
}

func TestConfigDecodes(t *testing.T) {
	doc := `
[alerts]
channel = "#fleet"
debounce = "0s"
flap_changes = 4
flap_window = "5m"

[alerts.check_debounce]
docker-daemon = "1m"
"Serf Health Status" = "10s"

[alerts.service_debounce]
web = "2m"

[[alerts.routes]]
channel = "#storage"
select = ["storage=devmapper", "kernel=3.*"]

[[alerts.routes]]
private = "carol"
checks = ["disk*"]
services = ["web"]
severities = ["critical"]
`
	var s section
	if _, err := config.Decode([]byte(doc), &s, nil, nil); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	c := s.Alerts
	c.Defaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}

	if c.Debounce.D() != 0 {
		t.Errorf("debounce = %s, want 0s kept, not the default", c.Debounce)
	}
	if c.GroupWindow.D() != DefaultGroupWindow {
		t.Errorf("group_window = %s, want the default", c.GroupWindow)
	}
	if got := c.debounceFor("Serf Health Status", "serfHealth", ""); got != 10*time.Second {
		t.Errorf("debounce of serfHealth = %s", got)
	}
	if got := c.debounceFor("web-check", "web-check", "web"); got != 2*time.Minute {
		t.Errorf("debounce of a web check = %s", got)
	}
	if got := c.debounceFor(docker, docker, "web"); got != time.Minute {
		t.Errorf("debounce of docker-daemon in web = %s, want the check's own", got)
	}
	if len(c.Routes) != 2 || c.Routes[1].Private != "carol" || !slices.Equal(c.Routes[0].Select,
		[]string{"storage=devmapper", "kernel=3.*"}) {
		t.Errorf("routes = %+v", c.Routes)
	}
}

func TestConfigDefaults(t *testing.T) {
	var c Config
	c.Defaults()
	if c.Debounce.D() != 30*time.Second || c.GroupWindow.D() != 2*time.Second ||
		c.FlapChanges != DefaultFlapChanges || c.FlapWindow.D() != DefaultFlapWindow {
		t.Errorf("defaults = %+v", c)
	}
	if c.Remind != 0 || c.UnreachableAfter.D() != time.Minute || c.ProbeInterval.D() != 30*time.Second {
		t.Errorf("defaults: remind %s, unreachable_after %s, probe_interval %s; want off, 1m, 30s",
			c.Remind, c.UnreachableAfter, c.ProbeInterval)
	}

	// "0s" turns the probe off; it is not the absence of a setting.
	c = Config{ProbeInterval: dur(0)}
	c.Defaults()
	if c.ProbeInterval.D() != 0 {
		t.Errorf("probe_interval = %s, want 0s kept", c.ProbeInterval)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want config.Problems
	}{
		{name: "valid", edit: func(*Config) {}},
		{
			name: "no channel",
			edit: func(c *Config) { c.Channel = "" },
			want: config.Problems{{Key: "channel", Msg: `"" is not a channel name (#name or &name)`}},
		},
		{
			name: "durations out of range",
			edit: func(c *Config) {
				c.Debounce = dur(-time.Second)
				c.GroupWindow = dur(2 * time.Minute)
				c.FlapWindow = config.Duration(time.Millisecond)
				c.FlapChanges = 1
				c.CheckDebounce = map[string]config.Duration{"disk": config.Duration(2 * time.Hour)}
				c.ServiceDebounce = map[string]config.Duration{"": 0}
				c.Remind = config.Duration(30 * time.Second)
				c.UnreachableAfter = config.Duration(2 * time.Hour)
				c.ProbeInterval = dur(-time.Second)
			},
			want: config.Problems{
				{Key: "debounce", Msg: "must be between 0s and 1h0m0s, got -1s"},
				{Key: "group_window", Msg: "must be between 0s and 1m0s, got 2m0s"},
				{Key: "flap_window", Msg: "must be between 1s and 24h0m0s, got 1ms"},
				{Key: "flap_changes", Msg: "must be between 2 and 1000, got 1"},
				{Key: "check_debounce.disk", Msg: "must be between 0s and 1h0m0s, got 2h0m0s"},
				{Key: `service_debounce.""`, Msg: "an empty name matches no check"},
				{Key: "remind", Msg: "must be between 1m0s and 168h0m0s, got 30s"},
				{Key: "unreachable_after", Msg: "must be between 1s and 1h0m0s, got 2h0m0s"},
				{Key: "probe_interval", Msg: "must be between 1s and 1h0m0s, got -1s"},
			},
		},
		{
			name: "bad routes",
			edit: func(c *Config) {
				c.Routes = []Route{
					{},
					{Channel: "#a", Private: "bob"},
					{Channel: "fleet"},
					{Private: "#carol"},
					{Channel: "#ok", Select: []string{"kernel=", "tag=gpu"}, Checks: []string{"a b"},
						Services: []string{""}, Severities: []string{"passing"}},
				}
			},
			want: config.Problems{
				{Key: "routes[0].channel", Msg: "name a channel, or a nick as private"},
				{Key: "routes[1].private", Msg: "a route goes to a channel or to a person, not both"},
				{Key: "routes[2].channel", Msg: `"fleet" is not a channel name (#name or &name)`},
				{Key: "routes[3].private", Msg: `"#carol" is not a nick`},
				{Key: "routes[4].select[0]", Msg: `bad selector "kernel=": empty value`},
				{Key: "routes[4].select[1]", Msg: "tag selectors cannot route alerts: health checks carry no service tags"},
				{Key: "routes[4].checks[0]", Msg: `"a b" is not a name or glob`},
				{Key: "routes[4].services[0]", Msg: `"" is not a name or glob`},
				{Key: "routes[4].severities[0]", Msg: `"passing" is not critical or warning`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{Channel: "#fleet"}
			c.Defaults()
			tt.edit(&c)

			var got config.Problems
			if err := c.Validate(); err != nil && !errors.As(err, &got) {
				t.Fatalf("Validate: %v is not config.Problems", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestConfigCheckMeta(t *testing.T) {
	c := Config{Routes: []Route{
		{Channel: "#a", Select: []string{"kernel=3.*", "dm-*", "node=x"}},
		{Channel: "#b", Select: []string{"kernal=3.19"}},
	}}
	var got config.Problems
	if !errors.As(c.CheckMeta(fleet.DefaultMetaKeys()), &got) {
		t.Fatal("want problems")
	}
	want := config.Problems{{Key: "routes[1].select[0]",
		Msg: `unknown key "kernal" (keys: kernel, distro, storage, docker, node)`}}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}

	// New refuses it too.
	c.Channel = "#fleet"
	if _, err := New(Options{Config: c, Out: &recorder{}}); !errors.As(err, &got) {
		t.Errorf("New: %v, want config problems", err)
	}
}

func TestConfigChannels(t *testing.T) {
	c := Config{Channel: "#fleet", Routes: []Route{
		{Channel: "#storage"}, {Private: "carol"}, {Channel: "#FLEET"}, {Channel: "#storage"}, {Channel: "#web"},
	}}
	if got, want := c.Channels(), []string{"#fleet", "#storage", "#web"}; !slices.Equal(got, want) {
		t.Errorf("Channels() = %q, want %q", got, want)
	}
}
