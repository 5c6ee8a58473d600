package main

import (
	"net"
	"strings"
	"sync"
	"time"
)

// proxy is a TCP proxy on loopback in front of the store. It passes bytes through,
// stalls (keeps every connection open and accepts new ones, but forwards nothing: a
// hung store), or is closed (every connection cut and the port refusing: a store that
// is down). It never lets go of its port between modes.
type proxy struct {
	target string
	addr   string

	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]struct{}
	stalled bool
	closed  bool
	resume  chan struct{} // closed whenever bytes may flow
}

func newProxy(target string) (*proxy, error) {
	p := &proxy{target: target, conns: map[net.Conn]struct{}{}, resume: make(chan struct{})}
	close(p.resume)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.ln, p.addr = ln, ln.Addr().String()
	go p.accept(ln)
	return p, nil
}

func (p *proxy) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.serve(c)
	}
}

func (p *proxy) serve(client net.Conn) {
	if !p.track(client) {
		client.Close()
		return
	}
	defer p.untrack(client)
	p.wait()
	network := "tcp"
	if strings.HasPrefix(p.target, "/") {
		network = "unix" // the embedded store's owner-only socket
	}
	server, err := net.DialTimeout(network, p.target, 5*time.Second)
	if err != nil {
		client.Close()
		return
	}
	if !p.track(server) {
		server.Close()
		client.Close()
		return
	}
	defer p.untrack(server)
	done := make(chan struct{}, 2)
	go func() { p.pipe(server, client); done <- struct{}{} }()
	go func() { p.pipe(client, server); done <- struct{}{} }()
	<-done
	client.Close()
	server.Close()
	<-done
}

// pipe copies src to dst, holding each chunk while the proxy is stalled.
func (p *proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.wait()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return // io.EOF or a cut connection
		}
	}
}

func (p *proxy) wait() {
	p.mu.Lock()
	ch := p.resume
	p.mu.Unlock()
	<-ch
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// stall stops forwarding bytes on every connection, old and new.
func (p *proxy) stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stalled {
		p.stalled = true
		p.resume = make(chan struct{})
	}
}

// shut cuts every connection and closes the port, so that connecting is refused.
func (p *proxy) shut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	_ = p.ln.Close()
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset, as when the store's process dies
		}
		c.Close()
	}
}

// pass lets bytes flow again, reopening the port if it was closed.
func (p *proxy) pass() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			return err
		}
		p.ln, p.closed = ln, false
		go p.accept(ln)
	}
	if p.stalled {
		p.stalled = false
		close(p.resume)
	}
	return nil
}

// stop closes the proxy for good.
func (p *proxy) stop() {
	_ = p.pass()
	p.shut()
}
