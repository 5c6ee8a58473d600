package main

import (
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
)

// startBare serves a bare Fiber handler on a free loopback port: POST
// /api/v1/responses answers 201 with a fixed receipt and stores nothing. It is the
// ceiling for this machine's HTTP stack and load generator, measured in the same run.
func startBare(bodyLimit int) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	app := fiber.New(fiber.Config{
		BodyLimit:             bodyLimit,
		ReadTimeout:           10 * time.Second,
		WriteTimeout:          10 * time.Second,
		IdleTimeout:           60 * time.Second,
		ReadBufferSize:        16 << 10,
		Immutable:             true,
		DisableStartupMessage: true,
	})
	reply := []byte(`{"receipt":"ABCD-EFGH","show_help":false}`)
	app.Post("/api/v1/responses", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusCreated).Send(reply)
	})
	go func() { _ = app.Listener(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = app.ShutdownWithTimeout(5 * time.Second) }, nil
}
