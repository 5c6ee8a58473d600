package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPI is the OpenAPI 3.1 description of the JSON API. TestOpenAPIMatchesRoutes
// keeps its paths equal to the /api/v1 routes of the route table, and every web test
// checks the API requests and answers it sends against its schemas.
//
//go:embed openapi.json
var openAPI []byte

// handleOpenAPI serves the API description: public, like the API's documentation.
func (s *Server) handleOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(openAPI)
}
