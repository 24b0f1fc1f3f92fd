package store_test

import (
	"strings"
	"testing"

	"github.com/gordonbot/gordon/store"
)

func TestConfig(t *testing.T) {
	tests := []struct {
		name     string
		config   store.Config
		defaults bool
		wantErr  string
	}{
		{"path given", store.Config{Path: "/var/lib/gordon/state.db"}, false, ""},
		{"path missing", store.Config{}, false, "path"},
		{"path defaulted", store.Config{}, true, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.config
			if tt.defaults {
				c.Defaults()
			}

			err := c.Validate()
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Validate: got %v, want an error naming %q", err, tt.wantErr)
			}
		})
	}
}

func TestConfigDefaultsKeepPath(t *testing.T) {
	c := store.Config{Path: "state.db"}
	c.Defaults()

	if c.Path != "state.db" {
		t.Fatalf("Defaults changed Path to %q", c.Path)
	}

	c = store.Config{}
	c.Defaults()
	if c.Path != store.DefaultPath {
		t.Fatalf("Defaults set Path to %q, want %q", c.Path, store.DefaultPath)
	}
}
