// Package dhis2 reads and writes DHIS2 data value sets: JSON and CSV both ways,
// DXF2 XML and ADX XML for reading. It converts between those files and
// planwatch values and holds no storage code.
//
// Readers stream: ScanCSV, ScanJSON, ScanXML and ScanADX hand each value to a
// Sink as they read it, and a Converter (itself a Sink) turns rows into
// planwatch values one at a time, so a file of any size is read in memory
// that does not grow with it. ReadCSV and the other Read functions collect a
// whole Set, for small files and tests.
//
// Identifiers follow DHIS2's id schemes (IDSchemes: the request's, overridden
// by a file's own idScheme, dataElementIdScheme … attributes or keys). CODE
// means planwatch codes: an indicator code, a GSO unit code. NAME means
// indicator and unit names. UID (DHIS2's default), ID, UUID and ATTRIBUTE are
// a partner's identifiers, which only a Mapping translates. Without a scheme,
// a mapped id is translated and any other is taken as a code. A period is a
// DHIS2 period id (202203, 2022Q1, 2022S1, 2022, and ADX's 2022-01-01/P3M);
// periods planwatch cannot represent (weeks, days, financial years, durations
// that do not align to months) are conflicts, never approximations.
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
// Nothing is deleted or altered unless the file says so: an empty value is a
// conflict, as in DHIS2 (E8120), unless the row says deleted=true or the
// import strategy is DELETE; and what a file says nothing of — a comment
// when it has no comment column, the comparisons when it gives only the
// value — is kept from the stored value.
//
// Readers never skip silently: every row they cannot understand becomes a
// Conflict naming its line (or element), the offending value and, where
// DHIS2 has one, DHIS2's error code; a file that cannot be parsed at all is
// an error.
package dhis2
