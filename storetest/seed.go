package storetest

import (
	"context"
	"fmt"

	"planwatch"
	"planwatch/data"
)

// Seed loads the embedded reference data into s: the indicator catalogue
// (data.Indicators) and every administrative unit version and transition
// (data.OrgUnits). It can be run again: both saves replace by key.
func Seed(ctx context.Context, s planwatch.CatalogStore) error {
	inds, err := data.Indicators()
	if err != nil {
		return fmt.Errorf("seed: indicators: %w", err)
	}
	if err := s.SaveIndicators(ctx, inds, "seed"); err != nil {
		return fmt.Errorf("seed: indicators: %w", err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		return fmt.Errorf("seed: units: %w", err)
	}
	if err := s.SaveOrgUnits(ctx, units, trans, "seed"); err != nil {
		return fmt.Errorf("seed: units: %w", err)
	}
	return nil
}
