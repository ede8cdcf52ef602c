package benchrun

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// visitor is one concurrent client of the load test, doing on the wire what
// a browser does: one kept HTTP/1.1 connection (opened at its first view,
// opened again if the server closes it), "Accept-Encoding: gzip", the whole
// answer read. It does not decompress the answer: a browser does that on
// the user's machine, while here the client shares the server's processors,
// so a heavier client (net/http's, which decompresses and allocates per
// request) would be measured as the server's latency.
type visitor struct {
	addr    string
	request []byte
	conn    net.Conn
	r       *bufio.Reader
	// Body of the last answer; kept for checks, reused between views.
	body []byte
}

func newVisitor(base, path string) (*visitor, error) {
	u, err := url.Parse(base + path)
	if err != nil {
		return nil, err
	}
	req := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUser-Agent: planwatch-bench\r\nAccept: text/html,application/json\r\nAccept-Encoding: gzip\r\n\r\n"
	return &visitor{addr: u.Host, request: []byte(req)}, nil
}

// view requests the page once; it reports whether a connection was opened.
func (v *visitor) view(ctx context.Context) (opened bool, err error) {
	if v.conn == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", v.addr)
		if err != nil {
			return true, err
		}
		v.conn, v.r, opened = c, bufio.NewReaderSize(c, 32<<10), true
	}
	if dl, ok := ctx.Deadline(); ok {
		v.conn.SetDeadline(dl)
	} else {
		v.conn.SetDeadline(time.Now().Add(2 * time.Minute))
	}
	keep, err := v.exchange()
	if err != nil || !keep {
		v.close()
	}
	return opened, err
}

func (v *visitor) close() {
	if v.conn != nil {
		v.conn.Close()
		v.conn, v.r = nil, nil
	}
}

// exchange writes the request and reads one whole answer (Content-Length
// or chunked). keep is false when the server said it closes.
func (v *visitor) exchange() (keep bool, err error) {
	if _, err := v.conn.Write(v.request); err != nil {
		return false, err
	}
	line, err := v.r.ReadSlice('\n')
	if err != nil {
		return false, err
	}
	if !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
		return false, fmt.Errorf("bench: %s", bytes.TrimSpace(line))
	}
	length, chunked, keep := -1, false, true
	for {
		h, err := v.r.ReadSlice('\n')
		if err != nil {
			return false, err
		}
		h = bytes.TrimSpace(h)
		if len(h) == 0 {
			break
		}
		k, val, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return false, fmt.Errorf("bench: bad header line %q", h)
		}
		val = bytes.TrimSpace(val)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(val)); err != nil || length < 0 {
				return false, fmt.Errorf("bench: bad Content-Length %q", val)
			}
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(val, []byte("chunked"))
		case bytes.EqualFold(k, []byte("Connection")):
			keep = !bytes.EqualFold(val, []byte("close"))
		}
	}
	v.body = v.body[:0]
	switch {
	case chunked:
		err = v.readChunks()
	case length >= 0:
		v.body = append(v.body, make([]byte, length)...)
		_, err = io.ReadFull(v.r, v.body)
	default:
		return false, errors.New("bench: answer without a length")
	}
	if err == nil && len(v.body) == 0 {
		err = errors.New("bench: empty answer")
	}
	return keep, err
}

func (v *visitor) readChunks() error {
	for {
		line, err := v.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
		n, err := strconv.ParseUint(string(size), 16, 31)
		if err != nil {
			return fmt.Errorf("bench: bad chunk size %q", line)
		}
		if n == 0 {
			// Trailers, then the empty line.
			for {
				t, err := v.r.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimSpace(t)) == 0 {
					return nil
				}
			}
		}
		start := len(v.body)
		v.body = append(v.body, make([]byte, n)...)
		if _, err := io.ReadFull(v.r, v.body[start:]); err != nil {
			return err
		}
		if _, err := v.r.Discard(2); err != nil { // CRLF after the chunk
			return err
		}
	}
}
