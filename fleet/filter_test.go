package fleet

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// parseAll parses selectors written as a user writes them.
func parseAll(t *testing.T, inputs ...string) Selectors {
	t.Helper()

	var ss Selectors
	for _, in := range inputs {
		s, err := ParseSelector(in)
		if err != nil {
			t.Fatalf("ParseSelector(%q): %v", in, err)
		}
		ss = append(ss, s)
	}
	return ss
}

func TestFilterExpr(t *testing.T) {
	tests := []struct {
		name   string
		inputs []string
		want   string
	}{
		{"none", nil, ""},
		{"equal", []string{"kernel=4.19.0"}, `Meta["kernel"] == "4.19.0"`},
		{"not equal", []string{"distro!=debian"}, `Meta["distro"] != "debian"`},
		{"display name differs from key", []string{"docker=1.7.0"}, `Meta["docker_version"] == "1.7.0"`},
		{"glob", []string{"kernel=4.*"}, `("kernel" in Meta and Meta["kernel"] matches "^4\\..*$")`},
		{"not glob", []string{"storage!=overlay?"},
			`not ("storage" in Meta and Meta["storage"] matches "^overlay.$")`},
		{"node", []string{"node=dm-1"}, `Node == "dm-1"`},
		{"bare word", []string{"dm-1"}, `Node == "dm-1"`},
		{"bare glob", []string{"dm-*"}, `Node matches "^dm-.*$"`},
		{"node not glob", []string{"node!=dm-?"}, `Node not matches "^dm-.$"`},
		{"several", []string{"kernel=4.*", "distro!=debian", "dm-?"},
			`("kernel" in Meta and Meta["kernel"] matches "^4\\..*$") and ` +
				`Meta["distro"] != "debian" and Node matches "^dm-.$"`},
		{"backslash", []string{`distro=a\b`}, `Meta["distro"] == "a\\b"`},
		{"double quote", []string{`distro=a"b`}, "Meta[\"distro\"] == `a\"b`"},
		{"unicode", []string{"distro=zoë"}, `Meta["distro"] == "zoë"`},
		{"tags apart", []string{"tag=gpu", "kernel=5.10"}, `Meta["kernel"] == "5.10"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := DefaultMetaKeys().Filter(parseAll(t, tt.inputs...))
			if err != nil {
				t.Fatalf("Filter(%v): %v", tt.inputs, err)
			}
			if f.Expr != tt.want {
				t.Fatalf("Filter(%v).Expr =\n%s\nwant\n%s", tt.inputs, f.Expr, tt.want)
			}
		})
	}
}

func TestFilterTags(t *testing.T) {
	f, err := DefaultMetaKeys().Filter(parseAll(t, "tag=gpu", "kernel=5.10", "tag!=arm*"))
	if err != nil {
		t.Fatalf("Filter: %v", err)
	}

	want := parseAll(t, "tag=gpu", "tag!=arm*")
	if !slices.Equal(f.Tags, want) {
		t.Fatalf("Tags = %v, want %v", f.Tags, want)
	}
}

func TestFilterErrors(t *testing.T) {
	t.Run("unknown key", func(t *testing.T) {
		_, err := DefaultMetaKeys().Filter(parseAll(t, "kernal=4.19"))

		var uk *UnknownKeyError
		if !errors.As(err, &uk) || uk.Key != "kernal" {
			t.Fatalf("error = %v, want an *UnknownKeyError for kernal", err)
		}
		want := `unknown key "kernal" (keys: kernel, distro, storage, docker, node, tag)`
		if err.Error() != want {
			t.Fatalf("error = %q, want %q", err, want)
		}
	})

	t.Run("both quotes", func(t *testing.T) {
		_, err := DefaultMetaKeys().Filter(parseAll(t, "distro=a\"b`c"))

		var se *SelectorError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, "both") {
			t.Fatalf("error = %v, want a *SelectorError about quotes", err)
		}
	})
}

func TestTagExpr(t *testing.T) {
	tests := []struct {
		name   string
		tags   []string
		want   string
		wantOK bool
	}{
		{"none", nil, "", false},
		{"one", []string{"gpu"}, `"gpu" in ServiceTags`, true},
		{"two", []string{"gpu", "cuda"}, `"gpu" in ServiceTags or "cuda" in ServiceTags`, true},
		{"unquotable left out", []string{"a\"`b", "gpu"}, `"gpu" in ServiceTags`, true},
		{"only unquotable", []string{"a\"`b"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := TagExpr(tt.tags)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("TagExpr(%q) = %q, %v; want %q, %v", tt.tags, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestMetaKeysValidate(t *testing.T) {
	tests := []struct {
		name string
		meta MetaKeys
		want []string // problem keys and words, "key: word"
	}{
		{"defaults", DefaultMetaKeys(), nil},
		{"reserved", MetaKeys{"node": "hostname", "tag": "t"}, []string{"node: reserved", "tag: reserved"}},
		{"bad name", MetaKeys{"4kernel": "kernel", "ker nel": "kernel"},
			[]string{"4kernel: selector key", "ker nel: selector key"}},
		{"empty key", MetaKeys{"kernel": ""}, []string{"kernel: empty"}},
		{"bad key", MetaKeys{"kernel": "kernel.version"}, []string{"kernel: letters, digits"}},
		{"long key", MetaKeys{"kernel": strings.Repeat("k", 129)}, []string{"kernel: longer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.meta.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}

			if err == nil {
				t.Fatalf("Validate() = nil, want %v", tt.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("Validate() =\n%v\nwant %d problems", err, len(tt.want))
			}
			for i, w := range tt.want {
				key, word, _ := strings.Cut(w, ": ")
				if !strings.HasPrefix(lines[i], key+": ") || !strings.Contains(lines[i], word) {
					t.Errorf("problem %d = %q, want %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestMetaKeysDefaultsAndNames(t *testing.T) {
	var m MetaKeys
	m.Defaults()
	if want := []string{"kernel", "distro", "storage", "docker"}; !slices.Equal(m.Names(), want) {
		t.Fatalf("Names() = %v, want %v", m.Names(), want)
	}

	custom := MetaKeys{"zone": "az", "kernel": "kernel", "arch": "arch"}
	custom.Defaults()
	if want := []string{"kernel", "arch", "zone"}; !slices.Equal(custom.Names(), want) {
		t.Fatalf("Names() = %v, want %v", custom.Names(), want)
	}
}
