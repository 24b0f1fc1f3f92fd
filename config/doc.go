// Package config loads gordon's TOML configuration file into a struct that
// the caller provides, and reports everything wrong with it at once.
//
// Each package of gordon owns its own Config type and its Validate method;
// this package knows none of them. It supplies the rules every part of the
// file follows:
//
//   - a key that no struct field takes is an error, named by its dotted key
//     ("maintainers[1].acounts: unknown key");
//   - a string that is exactly ${NAME} is read from the environment, and an
//     unset variable is an error even for an optional key;
//   - a key X_file reads the value of X from a file: the text without its
//     trailing newline, or one item a line when X is a list of strings;
//   - a secret written literally in the file works, but gives a warning;
//   - durations are written as text, such as "30s", through [Duration].
//
// Problems found while loading are returned together as [Problems], which
// sub-packages also use to report their own validation, so that
// check-config can list every problem in one run.
package config
