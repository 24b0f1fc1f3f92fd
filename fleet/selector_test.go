package fleet

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestParseSelector(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  Selector
	}{
		{"equal", "kernel=4.19.0", Selector{"kernel", OpEqual, "4.19.0"}},
		{"not equal", "distro!=debian", Selector{"distro", OpNotEqual, "debian"}},
		{"glob", "kernel=4.*", Selector{"kernel", OpMatch, "4.*"}},
		{"not glob", "storage!=overlay?", Selector{"storage", OpNotMatch, "overlay?"}},
		{"tag", "tag=gpu", Selector{KeyTag, OpEqual, "gpu"}},
		{"node key", "node=web-1", Selector{KeyNode, OpEqual, "web-1"}},
		{"bare word", "web-1.example", Selector{KeyNode, OpEqual, "web-1.example"}},
		{"bare glob", "dm-*", Selector{KeyNode, OpMatch, "dm-*"}},
		{"bare question mark", "dm-?", Selector{KeyNode, OpMatch, "dm-?"}},
		{"bare upper case", "Build_01", Selector{KeyNode, OpEqual, "Build_01"}},
		{"key with punctuation", "docker.api_v-2=1.40", Selector{"docker.api_v-2", OpEqual, "1.40"}},
		{"value with equals", "opts=a=b", Selector{"opts", OpEqual, "a=b"}},
		{"value with bang", "opts=!x", Selector{"opts", OpEqual, "!x"}},
		{"unicode value", "owner=zoë", Selector{"owner", OpEqual, "zoë"}},
		{"only a star", "kernel=*", Selector{"kernel", OpMatch, "*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSelector(tt.input)
			if err != nil {
				t.Fatalf("ParseSelector(%q): %v", tt.input, err)
			}
			if got != tt.want {
				t.Fatalf("ParseSelector(%q) = %+v, want %+v", tt.input, got, tt.want)
			}
		})
	}
}

func TestParseSelectorErrors(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantReason string
	}{
		{"empty", "", "empty node name"},
		{"empty key", "=x", "empty key"},
		{"empty key negated", "!=x", "empty key"},
		{"only equals", "=", "empty key"},
		{"empty value", "kernel=", "empty value"},
		{"empty value negated", "kernel!=", "empty value"},
		{"double equals", "kernel==4", "use key=value"},
		{"double equals negated", "kernel!==4", "use key=value"},
		{"key starting with a digit", "4kernel=4", "a key is"},
		{"key starts with digit", "4kernel=4", "a key is"},
		{"key with bang inside", "ker!nel=4", "a key is"},
		{"key with space", "ker nel=4", "a key is"},
		{"value with space", "reason=disk full", "space"},
		{"value with tab", "reason=disk\tfull", "control"},
		{"value with colour code", "reason=\x03" + "4red", "control"},
		{"value with no-break space", "reason=a\u00a0b", "space"},
		{"value not utf-8", "reason=\xff", "UTF-8"},
		{"bare word with bang", "!web", "not allowed"},
		{"bare word with slash", "web/1", "not allowed"},
		{"bare word with unicode", "wéb", "not allowed"},
		{"bare word with space", "web 1", "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSelector(tt.input)

			var se *SelectorError
			if !errors.As(err, &se) {
				t.Fatalf("ParseSelector(%q) error = %v, want a *SelectorError", tt.input, err)
			}
			if se.Input != tt.input {
				t.Errorf("Input = %q, want %q", se.Input, tt.input)
			}
			if !strings.Contains(se.Reason, tt.wantReason) {
				t.Errorf("Reason = %q, want it to mention %q", se.Reason, tt.wantReason)
			}
		})
	}
}

func TestSelectorErrorText(t *testing.T) {
	_, err := ParseSelector("kernel=")

	want := `bad selector "kernel=": empty value`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestSelectorStringRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"equal", "kernel=4.19", "kernel=4.19"},
		{"not equal", "distro!=debian", "distro!=debian"},
		{"glob", "kernel=4.*", "kernel=4.*"},
		{"not glob", "kernel!=4.*", "kernel!=4.*"},
		{"bare word", "web-1", "node=web-1"},
		{"bare glob", "web-*", "node=web-*"},
		{"value with equals", "opts=a=b", "opts=a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSelector(tt.input)
			if err != nil {
				t.Fatalf("ParseSelector(%q): %v", tt.input, err)
			}
			if got := s.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}

			again, err := ParseSelector(s.String())
			if err != nil || again != s {
				t.Fatalf("ParseSelector(%q) = %+v, %v; want %+v", s.String(), again, err, s)
			}
		})
	}
}

func TestOpString(t *testing.T) {
	tests := []struct {
		name string
		op   Op
		want string
	}{
		{"equal", OpEqual, "="},
		{"not equal", OpNotEqual, "!="},
		{"match", OpMatch, "=~"},
		{"not match", OpNotMatch, "!~"},
		{"unknown", Op(42), "Op(42)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.op.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// testNode is a node as Matches sees it.
type testNode struct {
	name string
	meta map[string]string
	tags []string
}

var dm3 = testNode{
	name: "dm-3",
	meta: map[string]string{"kernel": "4.19.0-17", "distro": "debian", "docker": ""},
	tags: []string{"linux", "gpu"},
}

func TestSelectorMatches(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{"node equal", "node=dm-3", true},
		{"node equal other", "node=dm-4", false},
		{"bare word", "dm-3", true},
		{"bare glob", "dm-*", true},
		{"bare glob other", "web-*", false},
		{"node not equal", "node!=dm-3", false},
		{"node not glob", "node!=web*", true},
		{"meta equal", "distro=debian", true},
		{"meta equal other", "distro=ubuntu", false},
		{"meta not equal", "distro!=ubuntu", true},
		{"meta glob", "kernel=4.19*", true},
		{"meta glob whole value", "kernel=4.1?", false},
		{"meta not glob", "kernel!=5.*", true},
		{"meta not glob matching", "kernel!=4.*", false},
		{"missing key equal", "storage=overlay2", false},
		{"missing key glob", "storage=*", false},
		{"missing key not equal", "storage!=overlay2", true},
		{"missing key not glob", "storage!=*", true},
		{"empty meta value glob", "docker=*", true},
		{"tag equal", "tag=gpu", true},
		{"tag equal absent", "tag=arm", false},
		{"tag glob", "tag=g*", true},
		{"tag not equal", "tag!=arm", true},
		{"tag not equal present", "tag!=gpu", false},
		{"tag not glob", "tag!=l*", false},
		{"case matters", "distro=Debian", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSelector(tt.input)
			if err != nil {
				t.Fatalf("ParseSelector(%q): %v", tt.input, err)
			}
			if got := s.Matches(dm3.name, dm3.meta, dm3.tags); got != tt.want {
				t.Fatalf("%s matches %s = %v, want %v", tt.input, dm3.name, got, tt.want)
			}
		})
	}
}

func TestSelectorMatchesNoTags(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{"tag equal", "tag=gpu", false},
		{"tag not equal", "tag!=gpu", true},
		{"tag glob", "tag=*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSelector(tt.input)
			if err != nil {
				t.Fatalf("ParseSelector(%q): %v", tt.input, err)
			}
			if got := s.Matches("dm-1", nil, nil); got != tt.want {
				t.Fatalf("%s on a node without tags = %v, want %v", tt.input, got, tt.want)
			}
		})
	}
}

func TestSelectorsMatches(t *testing.T) {
	tests := []struct {
		name   string
		inputs []string
		want   bool
	}{
		{"none", nil, true},
		{"one", []string{"distro=debian"}, true},
		{"all hold", []string{"distro=debian", "kernel=4.*", "tag=gpu", "dm-?"}, true},
		{"one fails", []string{"distro=debian", "kernel=5.*"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ss Selectors
			for _, in := range tt.inputs {
				s, err := ParseSelector(in)
				if err != nil {
					t.Fatalf("ParseSelector(%q): %v", in, err)
				}
				ss = append(ss, s)
			}
			if got := ss.Matches(dm3.name, dm3.meta, dm3.tags); got != tt.want {
				t.Fatalf("%v matches = %v, want %v", ss, got, tt.want)
			}
		})
	}
}

func TestSelectorsString(t *testing.T) {
	ss := Selectors{{"kernel", OpMatch, "4.*"}, {KeyTag, OpNotEqual, "arm"}}

	if got, want := ss.String(), "kernel=4.* tag!=arm"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}

func TestIsGlob(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"plain", "dm-1", false},
		{"empty", "", false},
		{"star", "dm-*", true},
		{"question mark", "dm-?", true},
		{"brackets are literal", "dm-[12]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsGlob(tt.in); got != tt.want {
				t.Fatalf("IsGlob(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestGlobRegexp(t *testing.T) {
	tests := []struct {
		name string
		glob string
		want string
	}{
		{"plain", "dm-1", `^dm-1$`},
		{"empty", "", `^$`},
		{"star", "4.*", `^4\..*$`},
		{"question mark", "dm-?", `^dm-.$`},
		{"only stars", "**", `^.*.*$`},
		{"metacharacters", `a+b(c)[d]{e}|f^g$h\i`, `^a\+b\(c\)\[d\]\{e\}\|f\^g\$h\\i$`},
		{"hostmask", "*!*@host.example", `^.*!.*@host\.example$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GlobRegexp(tt.glob)
			if got != tt.want {
				t.Fatalf("GlobRegexp(%q) = %q, want %q", tt.glob, got, tt.want)
			}
			if _, err := regexp.Compile(got); err != nil {
				t.Fatalf("GlobRegexp(%q) does not compile: %v", tt.glob, err)
			}
		})
	}
}

// globCases are shared by the glob matcher and the regexp tests, so that
// Consul's "matches" filter and gordon's own matching agree.
var globCases = []struct {
	name, glob, s string
	want          bool
}{
	{"literal", "abc", "abc", true},
	{"literal differs", "abc", "abd", false},
	{"literal prefix only", "abc", "abcd", false},
	{"empty both", "", "", true},
	{"empty glob", "", "a", false},
	{"star empty", "*", "", true},
	{"star anything", "*", "anything at all", true},
	{"star prefix", "4.*", "4.19.0", true},
	{"star prefix differs", "4.*", "5.4", false},
	{"star suffix", "*-rc1", "1.7.0-rc1", true},
	{"star middle", "dm-*-x", "dm-12-x", true},
	{"star middle empty", "dm-*-x", "dm--x", true},
	{"star middle missing", "dm-*-x", "dm-12-y", false},
	{"stars adjacent", "a**b", "ab", true},
	{"question mark", "dm-?", "dm-1", true},
	{"question mark needs one", "dm-?", "dm-", false},
	{"question mark only one", "dm-?", "dm-12", false},
	{"question mark unicode", "zo?", "zoë", true},
	{"star then question", "*?", "", false},
	{"star then question one", "*?", "x", true},
	{"backtrack", "*ab", "aab", true},
	{"backtrack twice", "a*b*c", "axbxbxc", true},
	{"backtrack fails", "a*b*c", "axbxbx", false},
	{"dot is literal", "a.c", "abc", false},
	{"brackets are literal", "[ab]", "a", false},
	{"brackets match themselves", "[ab]", "[ab]", true},
	{"backslash is literal", `a\*`, `a\xyz`, true},
}

func TestGlobMatch(t *testing.T) {
	for _, tt := range globCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := globMatch(tt.glob, tt.s); got != tt.want {
				t.Fatalf("globMatch(%q, %q) = %v, want %v", tt.glob, tt.s, got, tt.want)
			}
		})
	}
}

func TestGlobRegexpAgrees(t *testing.T) {
	for _, tt := range globCases {
		t.Run(tt.name, func(t *testing.T) {
			re := regexp.MustCompile(GlobRegexp(tt.glob))
			if got := re.MatchString(tt.s); got != tt.want {
				t.Fatalf("%s matches %q = %v, want %v", re, tt.s, got, tt.want)
			}
		})
	}
}

// TestGlobMatchManyStars checks that a pattern built to make a naive
// backtracking matcher explode finishes; it would take years if it did not.
func TestGlobMatchManyStars(t *testing.T) {
	long := strings.Repeat("a", 100_000)

	if globMatch("a*a*a*a*b", long) {
		t.Fatal("a*a*a*a*b matched a string of a's")
	}
	if globMatch("a*a*a*a*a*a*a*a*b", long) {
		t.Fatal("a pattern ending in b matched a string of a's")
	}
	if !globMatch("a*a*a*a*a*a*a*a*", long) {
		t.Fatal("a pattern of a's and stars did not match a string of a's")
	}
}
