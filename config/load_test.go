package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// testConfig stands for gordon's configuration: nested tables, an array of
// tables, lists of strings, secrets and a duration.
type testConfig struct {
	Timezone    string           `toml:"timezone"`
	Channels    []string         `toml:"channels"`
	IRC         testIRC          `toml:"irc"`
	Maintainers []testMaintainer `toml:"maintainers"`
}

type testIRC struct {
	Server       string   `toml:"server"`
	Port         uint16   `toml:"port"`
	TLS          bool     `toml:"tls"`
	SASLPassword string   `toml:"sasl_password"`
	Timeout      Duration `toml:"timeout"`
	Flood        testFlood
}

type testFlood struct {
	Burst int
}

type testMaintainer struct {
	Name     string   `toml:"name"`
	Accounts []string `toml:"accounts"`
	Token    string   `toml:"token"`
}

// fakeFiles is a file system for X_file keys that records what was read.
type fakeFiles struct {
	files map[string]string
	read  []string
}

func (f *fakeFiles) readFile(path string) ([]byte, error) {
	f.read = append(f.read, path)
	text, ok := f.files[path]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	return []byte(text), nil
}

// fakeEnv returns an environment lookup over vars.
func fakeEnv(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		env      map[string]string
		files    map[string]string
		want     testConfig
		problems Problems
		warnings []string
		read     []string
	}{
		{
			name: "valid config",
			doc: `
timezone = "Europe/Paris"
channels = ["#ops", "#ci"]

[irc]
server = "irc.example.org"
port = 6697
tls = true
sasl_password = "${SASL}"
timeout = "30s"
flood.burst = 4

[[maintainers]]
name = "ada"
accounts = ["ada", "lovelace"]

[[maintainers]]
name = "bob"
token = "${BOB_TOKEN}"
`,
			env: map[string]string{"SASL": "pw", "BOB_TOKEN": "tk"},
			want: testConfig{
				Timezone: "Europe/Paris",
				Channels: []string{"#ops", "#ci"},
				IRC: testIRC{
					Server: "irc.example.org", Port: 6697, TLS: true,
					SASLPassword: "pw", Timeout: Duration(30 * time.Second),
					Flood: testFlood{Burst: 4},
				},
				Maintainers: []testMaintainer{
					{Name: "ada", Accounts: []string{"ada", "lovelace"}},
					{Name: "bob", Token: "tk"},
				},
			},
		},
		{
			name:     "unknown top-level key",
			doc:      "timezone = \"UTC\"\ntimzone = \"UTC\"\n",
			problems: Problems{{Key: "timzone", Msg: "unknown key"}},
		},
		{
			name:     "unknown nested key",
			doc:      "[irc]\nsever = \"irc.example.org\"\n",
			problems: Problems{{Key: "irc.sever", Msg: "unknown key"}},
		},
		{
			name:     "tagged key in another case is unknown",
			doc:      "[irc]\nServer = \"irc.example.org\"\n",
			problems: Problems{{Key: "irc.Server", Msg: "unknown key"}},
		},
		{
			name: "unknown key in an array of tables",
			doc: `
[[maintainers]]
name = "ada"

[[maintainers]]
name = "bob"
acounts = ["bob"]
`,
			problems: Problems{{Key: "maintainers[1].acounts", Msg: "unknown key"}},
		},
		{
			name: "unset environment variable",
			doc:  "[irc]\nsasl_password = \"${GORDON_SASL}\"\n",
			problems: Problems{
				{Key: "irc.sasl_password", Msg: "environment variable GORDON_SASL is not set"},
			},
		},
		{
			name: "environment variable set but empty",
			doc:  "timezone = \"${TZ}\"\n",
			env:  map[string]string{"TZ": ""},
			want: testConfig{},
		},
		{
			name: "environment variables in a list",
			doc:  "channels = [\"#ops\", \"${EXTRA}\"]\n",
			env:  map[string]string{"EXTRA": "#ci"},
			want: testConfig{Channels: []string{"#ops", "#ci"}},
		},
		{
			name: "unset environment variable in a list",
			doc:  "channels = [\"#ops\", \"${EXTRA}\"]\n",
			problems: Problems{
				{Key: "channels[1]", Msg: "environment variable EXTRA is not set"},
			},
		},
		{
			name: "environment variable for a number",
			doc:  "[irc]\nport = \"${PORT}\"\n",
			env:  map[string]string{"PORT": "6697"},
			want: testConfig{IRC: testIRC{Port: 6697}},
		},
		{
			name: "environment variable that is not a number",
			doc:  "[irc]\nport = \"${PORT}\"\n",
			env:  map[string]string{"PORT": "sixty"},
			problems: Problems{{
				Key: "irc.port",
				Msg: "value from the environment or a file is not a valid integer",
			}},
		},
		{
			name: "reference inside a longer string",
			doc:  "[irc]\nserver = \"irc.${DOMAIN}\"\n",
			env:  map[string]string{"DOMAIN": "example.org"},
			problems: Problems{{
				Key: "irc.server",
				Msg: "only a whole value can be ${NAME}, " +
					"with NAME made of letters, digits and underscores",
			}},
		},
		{
			name:  "file for a string",
			doc:   "[irc]\nsasl_password_file = \"/run/secrets/sasl\"\n",
			files: map[string]string{"/run/secrets/sasl": "s3cret\n"},
			want:  testConfig{IRC: testIRC{SASLPassword: "s3cret"}},
			read:  []string{"/run/secrets/sasl"},
		},
		{
			name:  "file named by an environment variable",
			doc:   "[irc]\nsasl_password_file = \"${SASL_FILE}\"\n",
			env:   map[string]string{"SASL_FILE": "/run/secrets/sasl"},
			files: map[string]string{"/run/secrets/sasl": "s3cret\r\n"},
			want:  testConfig{IRC: testIRC{SASLPassword: "s3cret"}},
			read:  []string{"/run/secrets/sasl"},
		},
		{
			name:  "file text is not expanded",
			doc:   "timezone_file = \"tz\"\n",
			files: map[string]string{"tz": "${NOT_A_REFERENCE}"},
			want:  testConfig{Timezone: "${NOT_A_REFERENCE}"},
			read:  []string{"tz"},
		},
		{
			name:  "file for a list",
			doc:   "[[maintainers]]\nname = \"ada\"\naccounts_file = \"ada.txt\"\n",
			files: map[string]string{"ada.txt": "ada\n\n  lovelace \n"},
			want: testConfig{Maintainers: []testMaintainer{
				{Name: "ada", Accounts: []string{"ada", "lovelace"}},
			}},
			read: []string{"ada.txt"},
		},
		{
			name:  "file for a number",
			doc:   "[irc]\nport_file = \"port\"\n",
			files: map[string]string{"port": "70000\n"},
			problems: Problems{
				{Key: "irc.port", Msg: "70000 is out of range for uint16"},
			},
			read: []string{"port"},
		},
		{
			name:  "both a key and its file",
			doc:   "[irc]\nsasl_password = \"${SASL}\"\nsasl_password_file = \"sasl\"\n",
			env:   map[string]string{"SASL": "pw"},
			files: map[string]string{"sasl": "pw"},
			problems: Problems{{
				Key: "irc.sasl_password_file",
				Msg: "give sasl_password or sasl_password_file, not both",
			}},
		},
		{
			name:     "file for a key that does not exist",
			doc:      "[irc]\nnick_file = \"nick\"\n",
			files:    map[string]string{"nick": "gordon"},
			problems: Problems{{Key: "irc.nick_file", Msg: "unknown key"}},
		},
		{
			name: "missing file",
			doc:  "[irc]\nsasl_password_file = \"/run/secrets/none\"\n",
			problems: Problems{{
				Key: "irc.sasl_password_file",
				Msg: "reading /run/secrets/none: file does not exist",
			}},
			read: []string{"/run/secrets/none"},
		},
		{
			name: "literal secrets",
			doc: `
[irc]
sasl_password = "hunter2"

[[maintainers]]
name = "ada"
token = "tok-123"
`,
			want: testConfig{
				IRC:         testIRC{SASLPassword: "hunter2"},
				Maintainers: []testMaintainer{{Name: "ada", Token: "tok-123"}},
			},
			warnings: []string{
				"irc.sasl_password: literal secret in the config file; " +
					"use ${NAME} or sasl_password_file",
				"maintainers[0].token: literal secret in the config file; " +
					"use ${NAME} or token_file",
			},
		},
		{
			name: "duration",
			doc:  "[irc]\ntimeout = \"1m30s\"\n",
			want: testConfig{IRC: testIRC{Timeout: Duration(90 * time.Second)}},
		},
		{
			name: "bad duration",
			doc:  "[irc]\ntimeout = \"30 seconds\"\n",
			problems: Problems{{
				Key: "irc.timeout",
				Msg: "bad duration (want a number and a unit, such as 30s or 5m): " +
					`time: unknown unit " seconds" in duration "30 seconds"`,
			}},
		},
		{
			name:     "duration as a number",
			doc:      "[irc]\ntimeout = 30\n",
			problems: Problems{{Key: "irc.timeout", Msg: "want string, got integer"}},
		},
		{
			name: "wrong types",
			doc:  "channels = \"#ops\"\n[irc]\nport = \"6697\"\ntls = 1\n",
			problems: Problems{
				{Key: "channels", Msg: "want array, got string"},
				{Key: "irc.port", Msg: "want integer, got string"},
				{Key: "irc.tls", Msg: "want boolean, got integer"},
			},
		},
		{
			name: "several problems at once",
			doc: `
timzone = "UTC"
channels = ["${CHAN}"]

[irc]
sasl_password_file = "missing"
timeout = "soon"

[[maintainers]]
name = "${NAME}"
nick = "ada"
`,
			problems: Problems{
				{Key: "channels[0]", Msg: "environment variable CHAN is not set"},
				{Key: "irc.sasl_password_file", Msg: "reading missing: file does not exist"},
				{
					Key: "irc.timeout",
					Msg: "bad duration (want a number and a unit, such as 30s or 5m): " +
						`time: invalid duration "soon"`,
				},
				{Key: "maintainers[0].name", Msg: "environment variable NAME is not set"},
				{Key: "maintainers[0].nick", Msg: "unknown key"},
				{Key: "timzone", Msg: "unknown key"},
			},
			read: []string{"missing"},
		},
		{
			name: "syntax error",
			doc:  "[irc]\nserver = \"irc.example.org\"\nport = \n",
			problems: Problems{{
				Msg: "syntax error on line 3: expected value but found '\\n' instead",
			}},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := &fakeFiles{files: tt.files}
			var got testConfig
			warnings, err := Decode([]byte(tt.doc), &got, fakeEnv(tt.env), files.readFile)

			checkProblems(t, err, tt.problems)
			if !slices.Equal(warnings, tt.warnings) {
				t.Errorf("warnings:\ngot  %q\nwant %q", warnings, tt.warnings)
			}
			if !slices.Equal(files.read, tt.read) {
				t.Errorf("files read: got %q, want %q", files.read, tt.read)
			}
			if tt.problems == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config:\ngot  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// checkProblems fails t unless err is exactly the problems want.
func checkProblems(t *testing.T, err error, want Problems) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error:\n%v", err)
		}
		return
	}

	var got Problems
	if !errors.As(err, &got) {
		t.Fatalf("got error %v, want problems", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\ngot  %q\nwant %q", got, want)
	}
}

func TestDecodeHidesSecrets(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		env  map[string]string
	}{
		{
			name: "literal secret",
			doc:  "[irc]\nsasl_password = \"hunter2\"\n",
		},
		{
			name: "literal secret in a list",
			doc:  "[[maintainers]]\ntoken = \"hunter2\"\nname = \"${UNSET}\"\n",
		},
		{
			name: "secret on a broken line",
			doc:  "[irc]\nsasl_password = hunter2\n",
		},
		{
			name: "secret from the environment of the wrong type",
			doc:  "[irc]\nport = \"${SECRET}\"\n",
			env:  map[string]string{"SECRET": "hunter2"},
		},
		{
			name: "secret with a reference inside",
			doc:  "[irc]\nsasl_password = \"hunter2${X}\"\n",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg testConfig
			warnings, err := Decode([]byte(tt.doc), &cfg, fakeEnv(tt.env), nil)

			text := strings.Join(warnings, "\n")
			if err != nil {
				text += "\n" + err.Error()
			}
			if text == "" {
				t.Fatal("got no warning and no error")
			}
			if strings.Contains(text, "hunter2") {
				t.Errorf("the secret is in the output:\n%s", text)
			}
		})
	}
}

func TestDecodeDestination(t *testing.T) {
	var cfg testConfig
	tests := []struct {
		name string
		dst  any
	}{
		{name: "not a pointer", dst: cfg},
		{name: "nil pointer", dst: (*testConfig)(nil)},
		{name: "pointer to a map", dst: &map[string]any{}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte("timezone = \"UTC\"\n"), tt.dst, fakeEnv(nil), nil)

			var p Problems
			if err == nil || errors.As(err, &p) {
				t.Errorf("got %v, want an error that is not Problems", err)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	write("sasl", "from-file\n")
	path := write("gordon.toml", `
timezone = "${GORDON_TEST_TZ}"

[irc]
sasl_password_file = "sasl"
timeout = "2m"
`)
	t.Setenv("GORDON_TEST_TZ", "Europe/Paris")

	var cfg testConfig
	warnings, err := Load(path, &cfg)
	if err != nil {
		t.Fatalf("load: %v", err)
	}

	want := testConfig{
		Timezone: "Europe/Paris",
		IRC:      testIRC{SASLPassword: "from-file", Timeout: Duration(2 * time.Minute)},
	}
	if !reflect.DeepEqual(cfg, want) || len(warnings) != 0 {
		t.Errorf("got %+v with warnings %q, want %+v and none", cfg, warnings, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	var cfg testConfig
	_, err := Load(filepath.Join(t.TempDir(), "none.toml"), &cfg)

	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want an error wrapping fs.ErrNotExist", err)
	}
}

func TestDuration(t *testing.T) {
	d := Duration(90 * time.Second)
	text, err := d.MarshalText()
	if err != nil {
		t.Fatal(err)
	}

	var back Duration
	if err := back.UnmarshalText(text); err != nil {
		t.Fatal(err)
	}
	if back.D() != 90*time.Second || string(text) != "1m30s" {
		t.Errorf("round trip of %v: got %q and %v", d, text, back.D())
	}
}
