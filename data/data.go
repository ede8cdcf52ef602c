// Package data embeds the reference data planwatch ships with: the indicator
// catalogue and the official administrative-unit lists with the 2025 mapping
// (see the SOURCE.md files beside them), and turns them into domain values.
package data

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"planwatch"
)

//go:embed indicators/*.csv indicators/SOURCE.md admin-units/*.csv admin-units/SOURCE.md
var files embed.FS

// FS exposes the embedded files.
func FS() fs.FS { return files }

// readCSV reads a CSV file with a header into maps keyed by column name.
func readCSV(name string) ([]map[string]string, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var rows []map[string]string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		m := make(map[string]string, len(header))
		for i, h := range header {
			m[h] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, m)
	}
}

// Indicators returns the catalogue: provincial-core.csv plus additions.csv,
// with overrides.csv applied and defaults filled in. Every indicator validates.
func Indicators() ([]planwatch.Indicator, error) {
	var rows []map[string]string
	for _, name := range []string{"indicators/provincial-core.csv", "indicators/additions.csv"} {
		r, err := readCSV(name)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	over, err := readCSV("indicators/overrides.csv")
	if err != nil {
		return nil, err
	}
	byCode := map[string]map[string]string{}
	for _, o := range over {
		byCode[o["code"]] = o
	}
	out := make([]planwatch.Indicator, 0, len(rows))
	for _, r := range rows {
		ind := planwatch.Indicator{
			Code: r["code"], NameVI: r["name_vi"], NameEN: r["name_en"], Unit: r["unit"],
			Sector: r["sector"], Kind: planwatch.Kind(r["kind"]), TimeAgg: planwatch.TimeAgg(r["aggregation"]),
			Periodicity: r["periodicity"], Direction: planwatch.HigherIsBetter,
		}
		ind.UnitAgg = planwatch.DefaultUnitAgg(ind.Kind)
		ind.Decimals = planwatch.DefaultDecimals(&ind)
		if o, ok := byCode[ind.Code]; ok {
			if o["direction"] != "" {
				d, _ := strconv.Atoi(o["direction"])
				ind.Direction = planwatch.Direction(d)
			}
			if o["decimals"] != "" {
				ind.Decimals, _ = strconv.Atoi(o["decimals"])
			}
			if o["time_agg"] != "" {
				ind.TimeAgg = planwatch.TimeAgg(o["time_agg"])
			}
			if o["unit_agg"] != "" {
				ind.UnitAgg = planwatch.UnitAgg(o["unit_agg"])
			}
			ind.Numerator, ind.Denominator = o["numerator"], o["denominator"]
			ind.Formula = o["formula"]
			if o["kind"] != "" {
				ind.Kind = planwatch.Kind(o["kind"])
			}
		}
		if err := ind.Validate(); err != nil {
			return nil, err
		}
		out = append(out, ind)
	}
	return out, nil
}

// The dates from which each shipped list is in force.
var (
	Date2022   = time.Date(2022, 4, 10, 0, 0, 0, 0, time.UTC)
	Date202503 = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	Date202507 = planwatch.ReformDate
)

// OrgUnits returns every version of every unit in the three shipped lists and
// the transitions of the 2025 reform. A unit present with identical name, type
// and parent in consecutive lists is one version spanning them.
//
// The 2022 list is taken as valid from 1 January 2020 so that the history a
// province reports (monthly series from 2020) has units to hang on; the codes
// did not change between then and April 2022 for most units.
func OrgUnits() ([]planwatch.OrgUnit, []planwatch.Transition, error) {
	sets := []struct {
		from  time.Time
		to    time.Time
		files []string
	}{
		{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Date202503, []string{"provinces_2022-04-10", "districts_2022-04-10", "communes_2022-04-10"}},
		{Date202503, Date202507, []string{"provinces_2025-03-01", "districts_2025-03-01", "communes_2025-03-01"}},
		{Date202507, time.Time{}, []string{"provinces_2025-07-01", "communes_2025-07-01"}},
	}
	// The country: level 0, above the provinces, in force across the reform.
	units := []planwatch.OrgUnit{{
		Code: planwatch.CountryCode, Name: "Việt Nam", FullName: "Cả nước", Type: "Quốc gia", NameEN: "Viet Nam",
		Level: planwatch.LevelCountry, ValidFrom: sets[0].from,
	}}
	open := map[string]int{} // code → index in units of its latest version
	for _, set := range sets {
		for _, name := range set.files {
			rows, err := readCSV("admin-units/" + name + ".csv")
			if err != nil {
				return nil, nil, err
			}
			level := planwatch.LevelCommune
			switch {
			case strings.HasPrefix(name, "provinces"):
				level = planwatch.LevelProvince
			case strings.HasPrefix(name, "districts"):
				level = planwatch.LevelDistrict
			}
			for _, r := range rows {
				if level == planwatch.LevelProvince && r["parent_code"] == "" {
					r["parent_code"] = planwatch.CountryCode
				}
				u := planwatch.OrgUnit{
					Code: r["code"], Name: r["name"], FullName: r["full_name"], Type: r["type"],
					NameEN: r["name_en"], Parent: r["parent_code"], Level: level, ValidFrom: set.from, ValidTo: set.to,
				}
				if i, ok := open[u.Code]; ok {
					prev := &units[i]
					if prev.ValidTo.Equal(set.from) && prev.Name == u.Name && prev.Type == u.Type && prev.Parent == u.Parent && prev.Level == u.Level {
						prev.ValidTo = set.to // same unit continues
						continue
					}
				}
				open[u.Code] = len(units)
				units = append(units, u)
			}
		}
	}
	var trans []planwatch.Transition
	rows, err := readCSV("admin-units/mapping_communes_2025.csv")
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		trans = append(trans, planwatch.Transition{
			Old: r["old_code"], New: r["new_code"], Full: r["merge_type"] == "full",
			Basis: "NQ 1654-1687/NQ-UBTVQH15 (2025)", Date: Date202507,
		})
	}
	rows, err = readCSV("admin-units/mapping_provinces_2025.csv")
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		trans = append(trans, planwatch.Transition{
			Old: r["old_code"], New: r["new_code"], Full: true,
			Basis: "NQ 202/2025/QH15", Date: Date202507,
		})
	}
	return units, trans, nil
}
