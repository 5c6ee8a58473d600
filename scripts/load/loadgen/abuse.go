package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// SlowResult is what happened to one slow client: whether and when the server hung up,
// and the status line it sent first, if any.
type SlowResult struct {
	Closed bool
	After  time.Duration
	Status string
}

// SlowClients opens n connections to addr and sends a request's headers one byte per
// period, never finishing them. Each connection waits until the server hangs up or
// giveUp passes. The server must hang up on every one within its read timeout.
func SlowClients(ctx context.Context, addr string, n int, period, giveUp time.Duration) []SlowResult {
	out := make([]SlowResult, n)
	head := "POST /api/v1/responses HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nX-Slow: " +
		strings.Repeat("s", 4096)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			start := time.Now()
			conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				out[i] = SlowResult{Closed: true, Status: "refused: " + ErrorClass(err)}
				return
			}
			defer conn.Close()
			closed := make(chan string, 1)
			go func() {
				line, _ := bufio.NewReader(conn).ReadString('\n')
				closed <- strings.TrimSpace(line)
			}()
			t := time.NewTicker(period)
			defer t.Stop()
			deadline := time.NewTimer(giveUp)
			defer deadline.Stop()
			for k := 0; ; k++ {
				select {
				case line := <-closed:
					out[i] = SlowResult{Closed: true, After: time.Since(start), Status: line}
					return
				case <-deadline.C:
					out[i] = SlowResult{After: time.Since(start)}
					return
				case <-ctx.Done():
					out[i] = SlowResult{After: time.Since(start)}
					return
				case <-t.C:
					if _, err := conn.Write([]byte{head[k%len(head)]}); err != nil {
						// The server hung up; the reader sees it too.
						continue
					}
				}
			}
		})
	}
	wg.Wait()
	return out
}

// RawPost sends a request over a fresh connection, with the body chunked when chunked
// is true, and returns the status code of the answer (0 if the server hung up first,
// which for an oversized body is also a refusal).
func RawPost(addr, contentType string, body []byte, chunked bool) (int, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	w := bufio.NewWriterSize(conn, 64<<10)
	fmt.Fprintf(w, "POST /api/v1/responses HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nConnection: close\r\n", addr, contentType)
	if chunked {
		fmt.Fprintf(w, "Transfer-Encoding: chunked\r\n\r\n")
		for len(body) > 0 {
			n := min(len(body), 8192)
			fmt.Fprintf(w, "%x\r\n%s\r\n", n, body[:n])
			body = body[n:]
		}
		fmt.Fprintf(w, "0\r\n\r\n")
	} else {
		fmt.Fprintf(w, "Content-Length: %d\r\n\r\n", len(body))
		_, _ = w.Write(body)
	}
	werr := w.Flush()
	var status int
	line, rerr := bufio.NewReader(conn).ReadString('\n')
	if _, err := fmt.Sscanf(line, "HTTP/1.1 %d", &status); err != nil {
		if werr != nil {
			return 0, werr
		}
		return 0, rerr
	}
	return status, nil
}
