package chorus

// Area is a council with children's services: an upper-tier local authority in England
// with the region it lies in, or a principal area in Wales, whose "region" is Wales itself
// (Wales has no English-style regions). Codes are ONS GSS codes; see surveys/geo/SOURCES.md.
type Area struct {
	Code       string
	Name       string
	NameWelsh  string // the Welsh name, for Welsh councils; "" when it has none
	RegionCode string
	RegionName string
}
