package chorus

// Area is a council (upper-tier local authority) in England with the region it lies in.
// Codes are ONS GSS codes; see surveys/geo/SOURCES.md.
type Area struct {
	Code       string
	Name       string
	RegionCode string
	RegionName string
}
