package github

import (
	"bytes"
	"container/list"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Bounds of the ETag cache: an answer larger than maxCachedBody is not
// kept, and the oldest answers go once all of them take more than
// maxCachedBytes.
const (
	maxCachedBody  = 2 << 20
	maxCachedBytes = 16 << 20
)

// etagCache is the transport that makes reads conditional. It keeps the
// last answer with an ETag to each GET, asks again with If-None-Match,
// and turns a 304 into that answer, with the 304's rate limit headers.
// GitHub does not count a 304 against the rate limit, so a read that
// finds nothing changed costs no quota.
type etagCache struct {
	next http.RoundTripper

	mu      sync.Mutex
	entries map[string]*list.Element // of *cached, by key
	order   *list.List               // oldest first
	bytes   int
}

// cached is an answer kept for its ETag.
type cached struct {
	key    string
	etag   string
	header http.Header
	body   []byte
}

var _ http.RoundTripper = (*etagCache)(nil)

func newETagCache(next http.RoundTripper) *etagCache {
	return &etagCache{next: next, entries: map[string]*list.Element{}, order: list.New()}
}

// RoundTrip sends req, conditionally when an answer to it is kept.
func (c *etagCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		return c.next.RoundTrip(req)
	}

	key := cacheKey(req)
	entry := c.get(key)
	if entry != nil {
		req = req.Clone(req.Context())
		req.Header.Set("If-None-Match", entry.etag)
	}

	resp, err := c.next.RoundTrip(req)
	switch {
	case err != nil:
		return nil, err
	case resp.StatusCode == http.StatusNotModified && entry != nil:
		return fromCache(resp, entry), nil
	case resp.StatusCode == http.StatusOK && resp.Header.Get("ETag") != "":
		return c.keep(key, resp)
	}
	return resp, nil
}

// cacheKey tells answers apart by URL and by the representation asked
// for; every request carries the same token.
func cacheKey(req *http.Request) string {
	return req.URL.String() + "\x00" + req.Header.Get("Accept")
}

func (c *etagCache) get(key string) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()

	if e, ok := c.entries[key]; ok {
		c.order.MoveToBack(e)
		return e.Value.(*cached)
	}
	return nil
}

// keep reads resp's body, keeps it when it is small enough, and returns
// resp with the body put back.
func (c *etagCache) keep(key string, resp *http.Response) (*http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCachedBody+1))
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), rest}
	if len(body) > maxCachedBody {
		return resp, nil
	}

	c.put(&cached{key: key, etag: resp.Header.Get("ETag"), header: resp.Header.Clone(), body: body})
	return resp, nil
}

// put keeps entry in place of any older answer to its key, dropping the
// oldest answers beyond the size bound.
func (c *etagCache) put(entry *cached) {
	c.mu.Lock()
	defer c.mu.Unlock()

	if old, ok := c.entries[entry.key]; ok {
		c.remove(old)
	}
	c.entries[entry.key] = c.order.PushBack(entry)
	c.bytes += len(entry.body)
	for c.bytes > maxCachedBytes {
		c.remove(c.order.Front())
	}
}

// remove drops one answer; c.mu is held.
func (c *etagCache) remove(e *list.Element) {
	entry := c.order.Remove(e).(*cached)
	delete(c.entries, entry.key)
	c.bytes -= len(entry.body)
}

// fromCache answers with the kept answer, as a 200, carrying the rate
// limit headers of the 304 that confirmed it.
func fromCache(notModified *http.Response, entry *cached) *http.Response {
	discard(notModified)

	header := entry.header.Clone()
	for name, values := range notModified.Header {
		if strings.HasPrefix(http.CanonicalHeaderKey(name), "X-Ratelimit-") {
			header[name] = values
		}
	}
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         notModified.Proto,
		ProtoMajor:    notModified.ProtoMajor,
		ProtoMinor:    notModified.ProtoMinor,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(entry.body)),
		ContentLength: int64(len(entry.body)),
		Request:       notModified.Request,
	}
}
