package fleet

import (
	"slices"
	"testing"
)

func TestVersion(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   string
		wantOK bool
	}{
		{"docker", "Docker version 1.7.0-rc1, build 0baf609", "1.7.0-rc1", true},
		{"leading v", "v2.3", "2.3", true},
		{"upper V", "V2.3.1", "2.3.1", true},
		{"kernel", "4.19.0-17-amd64", "4.19.0-17-amd64", true},
		{"centos kernel", "3.10.0-1160.el7.x86_64", "3.10.0-1160.el7.x86", true},
		{"build suffix", "1.2.3+git.abc", "1.2.3+git.abc", true},
		{"trailing dot", "version 1.2.3.", "1.2.3", true},
		{"in a distro name", "ubuntu-20.04", "20.04", true},
		{"inside a word", "x1.2", "", false},
		{"no dot", "debian 10", "", false},
		{"plain word", "devmapper", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Version(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("Version(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestGroupValue(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"kernel", "4.19.0-17-amd64", "4.19"},
		{"leading v", "v4.19.2", "4.19"},
		{"docker", "Docker version 1.7.0-rc1, build 0baf609", "1.7"},
		{"version colon", "version: 20.10.7", "20.10"},
		{"two parts", "5.10", "5.10"},
		{"distro with version", "ubuntu-20.04", "ubuntu-20.04"},
		{"word", "devmapper", "devmapper"},
		{"number", "10", "10"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := groupValue(tt.in); got != tt.want {
				t.Fatalf("groupValue(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMajorMinor(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"three parts", "1.7.0-rc1", "1.7"},
		{"two parts", "5.10", "5.10"},
		{"one part", "7", "7"},
		{"build", "1.2+x", "1.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MajorMinor(tt.in); got != tt.want {
				t.Fatalf("MajorMinor(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"equal", "1.7.0", "1.7.0", 0},
		{"numbers not text", "1.10", "1.9", 1},
		{"missing part is zero", "1.7", "1.7.0", 0},
		{"shorter older", "1.7", "1.7.1", -1},
		{"release after rc", "1.7.0", "1.7.0-rc1", 1},
		{"rc order", "1.7.0-rc2", "1.7.0-rc10", -1},
		{"pre-release numbers", "1.0.0-alpha.2", "1.0.0-alpha.10", -1},
		{"number before text", "1.0.0-1", "1.0.0-alpha", -1},
		{"more parts newer", "1.0.0-alpha", "1.0.0-alpha.1", -1},
		{"build ignored", "1.2.3+a", "1.2.3+b", 0},
		{"major wins", "2.0", "1.99.99", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CompareVersions(tt.a, tt.b); got != tt.want {
				t.Fatalf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := CompareVersions(tt.b, tt.a); got != -tt.want {
				t.Fatalf("CompareVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

func TestNaturalLess(t *testing.T) {
	names := []string{"dm-10", "dm-2", "dm-1", "build", "dm-01", "dm-2a", "dm-", "a10b2", "a10b10", "a9"}
	slices.SortFunc(names, compareNames)

	want := []string{"a9", "a10b2", "a10b10", "build", "dm-", "dm-1", "dm-01", "dm-2", "dm-2a", "dm-10"}
	if !slices.Equal(names, want) {
		t.Fatalf("sorted = %v, want %v", names, want)
	}
}
