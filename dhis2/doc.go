// Package dhis2 reads and writes DHIS2 data value sets: JSON and CSV both ways,
// DXF2 XML and ADX XML for reading. It converts between those files and
// planwatch values and holds no storage code.
//
// Identifiers follow the CODE id scheme: a dataElement is a planwatch
// indicator code, an orgUnit a GSO unit code and a period a DHIS2 period id
// (202203, 2022Q1, 2022S1, 2022, and ADX's 2022-01-01/P3M). Partners who use
// UIDs supply a Mapping. DHIS2 ids that planwatch cannot represent (weeks,
// days, financial years, durations that do not align to months) are conflicts,
// never approximations.
//
// Values travel in base units (VND, USD, ha …), as planwatch stores them: an
// exported "tỷ đồng" figure of 5.953 is the value 5953000000.
//
// planwatch's own dimensions ride on DHIS2's disaggregations so that an export
// imports back unchanged: the attribute option combo carries the vintage and
// basis ("official", "estimate", "preliminary.cumulative" …; empty or DHIS2's
// default means official, period basis) and the category option combo says
// which figure a row holds (empty or default: the value; YOY, PLAN_PCT, VS_REF:
// the reported comparisons, in percent).
//
// Readers never skip silently: every row they cannot understand becomes a
// Conflict naming its line (or element) and the offending value, and a file
// that cannot be parsed at all is an error with no rows.
package dhis2
