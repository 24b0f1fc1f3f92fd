package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"
)

// Load reads the TOML file at path into dst, a pointer to a struct with
// toml tags, by the rules of [Decode], with the process environment. A
// relative X_file path is read from the directory that holds path.
//
// The error is a [Problems] listing everything wrong with the file, or
// another error when the file cannot be read or dst is not a struct
// pointer. The warnings, such as a literal secret, are returned in both
// cases and never hold a secret.
func Load(path string, dst any) (warnings []string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}

	dir := filepath.Dir(path)
	readFile := func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return os.ReadFile(name)
	}
	return Decode(data, dst, os.LookupEnv, readFile)
}

// Decode reads the TOML document data into dst, a pointer to a struct with
// toml tags. env looks up an environment variable and readFile reads the
// file that an X_file key names; nil means os.LookupEnv and os.ReadFile.
//
// Every problem is collected into one [Problems] error, each named by its
// dotted key: an unknown key, an unset ${NAME}, ${ used inside a longer
// string, X given with X_file, a file that cannot be read, a value of the
// wrong type or a bad duration. A syntax error is a single problem naming
// its line. On error dst may hold part of the configuration.
func Decode(data []byte, dst any, env func(string) (string, bool),
	readFile func(string) ([]byte, error)) (warnings []string, err error) {
	t, err := structType(dst)
	if err != nil {
		return nil, err
	}

	var tree map[string]any
	if _, err := toml.Decode(string(data), &tree); err != nil {
		return nil, syntaxProblem(err)
	}

	w := &walker{env: env, readFile: readFile}
	if w.env == nil {
		w.env = os.LookupEnv
	}
	if w.readFile == nil {
		w.readFile = os.ReadFile
	}
	clean := w.table("", tree, t)

	if err := w.decode(clean, dst); err != nil {
		return w.warnings, err
	}
	return w.warnings, w.problems.Err()
}

// structType returns the struct type that dst points to.
func structType(dst any) (reflect.Type, error) {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("config: decoding into %T: want a non-nil pointer to a struct", dst)
	}
	return v.Elem().Type(), nil
}

// syntaxProblem turns a TOML parse error into a single problem naming its
// line. It uses the short message, which holds no text of the file, so
// that a secret on a broken line is not repeated.
func syntaxProblem(err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return Problems{{Msg: fmt.Sprintf("invalid TOML: %s", err.Error())}}
	}
	msg := fmt.Sprintf("syntax error on line %d: %s", pe.Position.Line, pe.Message)
	return Problems{{Msg: msg}}
}

// decode writes the checked tree into dst by encoding it back to TOML and
// decoding that, so that dst is set by the TOML decoder's own rules. Keys
// the decoder leaves undecoded, outside values of interface type, are
// unknown; the walk has normally found them already and left them out.
// The error is only for a tree that cannot be encoded.
func (w *walker) decode(tree map[string]any, dst any) error {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(tree); err != nil {
		return fmt.Errorf("config: encoding the checked configuration: %w", err)
	}

	md, err := toml.Decode(buf.String(), dst)
	if err != nil {
		w.decodeProblem(err)
		return nil
	}

	for _, k := range md.Undecoded() {
		if !w.isFree(k.String()) {
			w.problems.Add(k.String(), "unknown key")
		}
	}
	return nil
}

// decodeProblem records an error of the TOML decoder. The walk checks
// types first, so this is left for what it cannot foresee.
func (w *walker) decodeProblem(err error) {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		w.problems.Add(pe.LastKey, "%s", pe.Message)
		return
	}
	w.problems.Add("", "%s", err.Error())
}

// isFree tells whether key, without indexes, is at or under a value whose
// type takes any keys.
func (w *walker) isFree(key string) bool {
	for _, f := range w.free {
		if key == f || strings.HasPrefix(key, f+".") {
			return true
		}
	}
	return false
}
