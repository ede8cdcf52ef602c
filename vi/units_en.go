package vi

// UnitEN translates a printed unit of the catalogue ("tỷ đồng") to English
// ("billion VND"), or "" when it has no translation. The web pages and the
// English report share it.
func UnitEN(u string) string { return unitsEN[u] }

// unitsEN translates the printed units of the catalogue to English.
var unitsEN = map[string]string{
	"tỷ đồng":              "billion VND",
	"triệu đồng":           "million VND",
	"nghìn tỷ đồng":        "trillion VND",
	"đồng":                 "VND",
	"triệu USD":            "million USD",
	"nghìn USD":            "thousand USD",
	"USD":                  "USD",
	"lượt khách":           "visitors",
	"lượt người":           "visits",
	"nghìn lượt":           "thousand visits",
	"người":                "people",
	"nghìn người":          "thousand people",
	"doanh nghiệp":         "enterprises",
	"dự án":                "projects",
	"sản phẩm":             "products",
	"xã":                   "communes",
	"tiêu chí/xã":          "criteria per commune",
	"con":                  "head",
	"nghìn con":            "thousand head",
	"tấn":                  "tonnes",
	"nghìn tấn":            "thousand tonnes",
	"vụ":                   "cases",
	"hộ":                   "households",
	"km":                   "km",
	"ha":                   "ha",
	"%":                    "%",
	"bác sĩ/vạn dân":       "doctors per 10,000 population",
	"giường/vạn dân":       "beds per 10,000 population",
	"hợp tác xã":           "cooperatives",
	"m3":                   "m³",
	"nghìn lượt khách":     "thousand visitors",
	"triệu kWh":            "million kWh",
	"triệu đồng/người":     "million VND per person",
	"triệu đồng/người/năm": "million VND per person per year",
	"trường":               "schools",
	"điểm":                 "points",
	"điểm %":               "percentage points",
}
