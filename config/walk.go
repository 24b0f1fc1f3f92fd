package config

import (
	"encoding"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	tomlUnmarshaler = reflect.TypeFor[toml.Unmarshaler]()
	primitiveType   = reflect.TypeFor[toml.Primitive]()
	durationType    = reflect.TypeFor[time.Duration]()
)

// index matches the array indexes in a dotted key, "[2]".
var index = regexp.MustCompile(`\[[0-9]+\]`)

// walker checks a decoded TOML tree against the type of the struct it is
// meant for. On the way it resolves ${NAME} and X_file, and it records
// every problem and warning with its dotted key. It returns a copy of the
// tree without the values that had problems, ready to be decoded.
type walker struct {
	env      func(string) (string, bool)
	readFile func(string) ([]byte, error)
	problems Problems
	warnings []string

	// free holds the keys, without indexes, of values whose type takes
	// any keys at all (interfaces, toml.Primitive), so that keys under
	// them are not reported as unknown.
	free []string
}

// field is a struct field as TOML sees it: its key and whether a toml tag
// gave that key (an untagged field matches its Go name in any case).
type field struct {
	name   string
	typ    reflect.Type
	tagged bool
}

// table checks tbl, the TOML table at key, against the struct type t.
func (w *walker) table(key string, tbl map[string]any, t reflect.Type) map[string]any {
	fields := structFields(t)
	out := make(map[string]any, len(tbl))
	for _, name := range slices.Sorted(maps.Keys(tbl)) {
		w.entry(key, name, tbl, fields, out)
	}
	return out
}

// entry checks the key name of tbl and puts its value in out when it has
// no problem. A key X_file that no field takes reads field X from a file.
func (w *walker) entry(parent, name string, tbl map[string]any, fields []field,
	out map[string]any) {
	key := joinKey(parent, quoteKey(name))
	if t, ok := lookup(fields, name); ok {
		w.warnSecret(key, name, tbl[name])
		w.put(out, name, key, tbl[name], t)
		return
	}

	base, isFile := strings.CutSuffix(name, "_file")
	t, ok := lookup(fields, base)
	if !isFile || !ok {
		w.problems.Add(key, "unknown key")
		return
	}

	if _, both := tbl[base]; both {
		w.problems.Add(key, "give %s or %s, not both", base, name)
		return
	}

	if v, ok := w.fromFile(key, tbl[name], isStringList(t)); ok {
		w.put(out, base, joinKey(parent, quoteKey(base)), v, t)
	}
}

// put checks v against t and stores it in out under name when it fits.
func (w *walker) put(out map[string]any, name, key string, v any, t reflect.Type) {
	if v, ok := w.value(key, v, t); ok {
		out[name] = v
	}
}

// value checks v, the TOML value at key, against the Go type t, and returns
// it with environment references resolved. ok is false when v has a
// problem and is to be left out.
func (w *walker) value(key string, v any, t reflect.Type) (any, bool) {
	t = deref(t)
	if t == primitiveType || reflect.PointerTo(t).Implements(tomlUnmarshaler) {
		w.free = append(w.free, index.ReplaceAllString(key, ""))
		if r, ok := v.(resolved); ok {
			return string(r), true
		}
		return v, true
	}

	if t.Kind() == reflect.Interface {
		w.free = append(w.free, index.ReplaceAllString(key, ""))
	}

	switch v := v.(type) {
	case string:
		s, fromEnv, ok := w.expand(key, v)
		if !ok {
			return nil, false
		}
		return w.text(key, s, fromEnv, t)
	case resolved:
		return w.text(key, string(v), true, t)
	case map[string]any:
		return w.subtable(key, v, t)
	case []map[string]any:
		return w.list(key, tablesToList(v), t)
	case []any:
		return w.list(key, v, t)
	}
	return w.scalar(key, v, t)
}

// text checks the string s at key against t. A string that came from the
// environment or a file (fromOutside) may also be read as a number or a
// boolean.
func (w *walker) text(key, s string, fromOutside bool, t reflect.Type) (any, bool) {
	switch {
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		return s, w.unmarshalText(key, s, t)
	case t == durationType:
		return s, w.unmarshalText(key, s, reflect.TypeFor[Duration]())
	}

	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return s, true
	case reflect.Bool, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if fromOutside {
			return w.parse(key, s, t)
		}
	}
	return w.mismatch(key, "string", t)
}

// unmarshalText tells whether a value of type t accepts s.
func (w *walker) unmarshalText(key, s string, t reflect.Type) bool {
	u := reflect.New(t).Interface().(encoding.TextUnmarshaler)
	if err := u.UnmarshalText([]byte(s)); err != nil {
		w.problems.Add(key, "%s", err.Error())
		return false
	}
	return true
}

// parse reads s, which came from the environment or a file, as the number
// or boolean that t holds. The message leaves s out, as it may be a secret.
func (w *walker) parse(key, s string, t reflect.Type) (any, bool) {
	var v any
	var err error
	switch t.Kind() {
	case reflect.Bool:
		v, err = strconv.ParseBool(s)
	case reflect.Float32, reflect.Float64:
		v, err = strconv.ParseFloat(s, 64)
	default:
		v, err = strconv.ParseInt(s, 10, 64)
	}

	if err != nil {
		w.problems.Add(key, "value from the environment or a file is not a valid %s", want(t))
		return nil, false
	}
	return w.scalar(key, v, t)
}

// subtable checks the TOML table m at key against t: a struct, a map or
// an interface.
func (w *walker) subtable(key string, m map[string]any, t reflect.Type) (any, bool) {
	switch t.Kind() {
	case reflect.Struct:
		if !reflect.PointerTo(t).Implements(textUnmarshaler) {
			return w.table(key, m, t), true
		}
	case reflect.Map:
		return w.mapping(key, m, t.Elem()), true
	case reflect.Interface:
		return w.mapping(key, m, t), true
	}
	return w.mismatch(key, "table", t)
}

// mapping checks every value of the TOML table m at key against elem, the
// element type of a Go map.
func (w *walker) mapping(key string, m map[string]any, elem reflect.Type) map[string]any {
	out := make(map[string]any, len(m))
	for _, name := range slices.Sorted(maps.Keys(m)) {
		w.put(out, name, joinKey(key, quoteKey(name)), m[name], elem)
	}
	return out
}

// list checks every item of the TOML array items at key against t, a slice,
// an array or an interface. Items are named by their 0-based index.
func (w *walker) list(key string, items []any, t reflect.Type) (any, bool) {
	elem := t
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		elem = t.Elem()
	case reflect.Interface:
	default:
		return w.mismatch(key, "array", t)
	}

	out := make([]any, 0, len(items))
	for i, item := range items {
		if v, ok := w.value(fmt.Sprintf("%s[%d]", key, i), item, elem); ok {
			out = append(out, v)
		}
	}
	return out, true
}

// scalar checks v, a TOML integer, float, boolean or datetime, against t.
func (w *walker) scalar(key string, v any, t reflect.Type) (any, bool) {
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if _, ok := v.(encoding.TextMarshaler); ok {
			return v, true
		}
		return w.mismatch(key, typeName(v), t)
	}

	switch t.Kind() {
	case reflect.Interface:
		return v, true
	case reflect.Bool:
		if _, ok := v.(bool); ok {
			return v, true
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(float64); ok {
			return v, true
		}
		if _, ok := v.(int64); ok {
			return v, true
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := v.(int64); ok {
			return n, w.checkRange(key, n, t)
		}
	}
	return w.mismatch(key, typeName(v), t)
}

// checkRange tells whether the integer n fits the integer type t.
func (w *walker) checkRange(key string, n int64, t reflect.Type) bool {
	z := reflect.New(t).Elem()
	fits := z.CanInt() && !z.OverflowInt(n) ||
		z.CanUint() && n >= 0 && !z.OverflowUint(uint64(n))
	if !fits {
		w.problems.Add(key, "%d is out of range for %s", n, t.Kind())
	}
	return fits
}

// mismatch records that the value at key is a got where t wants another.
func (w *walker) mismatch(key, got string, t reflect.Type) (any, bool) {
	w.problems.Add(key, "want %s, got %s", want(t), got)
	return nil, false
}

// want names what TOML type a Go type t takes.
func want(t reflect.Type) string {
	if t == durationType || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "string"
	}

	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Struct, reflect.Map:
		return "table"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	}
	return "integer"
}

// typeName names the TOML type of a decoded value.
func typeName(v any) string {
	switch v.(type) {
	case string, resolved:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case time.Time:
		return "datetime"
	case map[string]any:
		return "table"
	}
	return "array"
}

// structFields lists the fields of the struct type t that TOML can set:
// exported, not tagged "-", with the fields of embedded untagged structs
// after t's own.
func structFields(t reflect.Type) []field {
	var own, embedded []field
	for f := range t.Fields() {
		name, tagged := tomlName(f)
		switch {
		case name == "-":
		case f.Anonymous && !tagged && deref(f.Type).Kind() == reflect.Struct:
			embedded = append(embedded, structFields(deref(f.Type))...)
		case f.IsExported():
			own = append(own, field{name: name, typ: f.Type, tagged: tagged})
		}
	}
	return append(own, embedded...)
}

// tomlName returns the key of f: the name in its toml tag, or else its Go
// name, with tagged false.
func tomlName(f reflect.StructField) (name string, tagged bool) {
	name, _, _ = strings.Cut(f.Tag.Get("toml"), ",")
	if name != "" {
		return name, true
	}
	return f.Name, false
}

// lookup finds the type of the field that takes the key name. A tagged
// field takes exactly its key; an untagged one its Go name in any case,
// as the TOML decoder does.
func lookup(fields []field, name string) (reflect.Type, bool) {
	for _, f := range fields {
		if f.name == name {
			return f.typ, true
		}
	}

	for _, f := range fields {
		if !f.tagged && strings.EqualFold(f.name, name) {
			return f.typ, true
		}
	}
	return nil, false
}

// isStringList tells whether t is a list of strings, which X_file fills
// one item a line.
func isStringList(t reflect.Type) bool {
	t = deref(t)
	if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
		return false
	}
	return deref(t.Elem()).Kind() == reflect.String
}

// deref returns the type that t points to, through any number of pointers.
func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// tablesToList turns an array of tables into a plain array.
func tablesToList(tables []map[string]any) []any {
	items := make([]any, len(tables))
	for i, tbl := range tables {
		items[i] = tbl
	}
	return items
}

// quoteKey writes one part of a key as TOML would, quoted unless bare.
func quoteKey(name string) string {
	return toml.Key{name}.String()
}
