package web

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

func TestAdmitSubmissions(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.SendStatus(statusOf[chorus.ErrorCode(err)])
	}})
	inside, release := make(chan struct{}), make(chan struct{})
	app.Post("/", admitSubmissions(1), func(c *fiber.Ctx) error {
		inside <- struct{}{}
		<-release
		return c.SendStatus(fiber.StatusCreated)
	})
	status := func() int {
		resp, err := app.Test(httptest.NewRequest(http.MethodPost, "/", nil), -1)
		if err != nil {
			t.Error(err)
			return 0
		}
		return resp.StatusCode
	}

	var wg sync.WaitGroup
	var first int
	wg.Go(func() { first = status() })
	<-inside
	if got := status(); got != fiber.StatusServiceUnavailable {
		t.Fatalf("second submission while one is in hand: %d, want 503", got)
	}
	close(release)
	wg.Wait()
	if first != fiber.StatusCreated {
		t.Fatalf("first submission: %d, want 201", first)
	}
	go func() { <-inside }()
	if got := status(); got != fiber.StatusCreated {
		t.Fatalf("submission after the slot was freed: %d, want 201", got)
	}
}
