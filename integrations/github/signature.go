package github

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// SignatureHeader is the header GitHub puts the SHA-256 HMAC of the body
// in. The older X-Hub-Signature (SHA-1) is never looked at.
const SignatureHeader = "X-Hub-Signature-256"

// signaturePrefix starts the header's value; the hex digest follows.
const signaturePrefix = "sha256="

// Errors of a signature check, matched with errors.Is.
var (
	// ErrNoSignature means the delivery has no X-Hub-Signature-256.
	ErrNoSignature = errors.New("no " + SignatureHeader + " header")

	// ErrMalformedSignature means the header is not sha256= followed by
	// 64 hex digits.
	ErrMalformedSignature = errors.New("malformed " + SignatureHeader + " header")

	// ErrBadSignature means the signature matches none of the secrets:
	// a wrong secret or a body changed on the way.
	ErrBadSignature = errors.New("signature matches no configured secret")
)

// Sign returns the X-Hub-Signature-256 value GitHub sends for body when
// the webhook's secret is secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}

// verifier checks signatures against a fixed set of secrets.
type verifier struct {
	secrets [][]byte
}

// newVerifier returns a verifier for secrets, refusing an empty set or an
// empty secret: either would let unsigned deliveries through somewhere.
func newVerifier(secrets []string) (*verifier, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("webhook receiver: %w", ErrNoSecret)
	}

	v := &verifier{}
	for i, s := range secrets {
		if s == "" {
			return nil, fmt.Errorf("webhook receiver: secret %d: %w", i, ErrNoSecret)
		}
		v.secrets = append(v.secrets, []byte(s))
	}
	return v, nil
}

// verify checks header, the X-Hub-Signature-256 value, against body. It
// computes the HMAC for every secret and compares each in constant time,
// so that neither the answer's timing nor its path says how close a guess
// came or which secret matched.
func (v *verifier) verify(header string, body []byte) error {
	want, err := parseSignature(header)
	if err != nil {
		return err
	}

	matched := false
	for _, secret := range v.secrets {
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		if hmac.Equal(mac.Sum(nil), want) {
			matched = true
		}
	}

	if !matched {
		return ErrBadSignature
	}
	return nil
}

// parseSignature returns the digest in header.
func parseSignature(header string) ([]byte, error) {
	if header == "" {
		return nil, ErrNoSignature
	}

	digest, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok || len(digest) != 2*sha256.Size {
		return nil, ErrMalformedSignature
	}

	sum, err := hex.DecodeString(digest)
	if err != nil {
		return nil, ErrMalformedSignature
	}
	return sum, nil
}
