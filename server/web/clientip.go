package web

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// proxySet is the trusted reverse proxies: single addresses and ranges.
type proxySet []netip.Prefix

func parseProxies(list []string) (proxySet, error) {
	var ps proxySet
	for _, p := range list {
		if pfx, err := netip.ParsePrefix(p); err == nil {
			ps = append(ps, pfx.Masked())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("CHORUS_TRUSTED_PROXIES: %q is not an address or a range such as 10.0.0.0/8", p)
		}
		a = a.Unmap()
		ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
	}
	return ps, nil
}

func (ps proxySet) has(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the client's address as the trusted proxies saw it, the only address
// rate limits are keyed by. It is the peer's address unless the peer is a trusted
// proxy; then it is the right-most X-Forwarded-For entry that is not itself a trusted
// proxy. Entries to the left of that are what the client claimed and are ignored, so
// sending a different X-Forwarded-For each time does not give a fresh key.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	peer = peer.Unmap()
	if len(s.proxies) == 0 || !s.proxies.has(peer) {
		return peer.String()
	}
	var hops []string
	for _, h := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(h), ",")...)
	}
	client := peer.String()
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(hop)
		if err != nil {
			if host, _, serr := net.SplitHostPort(hop); serr == nil {
				a, err = netip.ParseAddr(host)
			}
		}
		if err != nil {
			// Not an address: no trusted proxy wrote this, so the client did; the
			// last trusted hop is the best view there is.
			return client
		}
		if client = a.Unmap().String(); !s.proxies.has(a) {
			return client
		}
	}
	return client
}
