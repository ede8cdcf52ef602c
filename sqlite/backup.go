package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	msqlite "modernc.org/sqlite"
)

// BackupTo copies the database, page by page, into a new SQLite file at
// path with SQLite's online backup API, in one step: the copy is the
// database as of one moment (a read transaction held for the copy), while
// writers, in this process or others, go on committing to the log.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return internal("BackupTo", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(interface {
			NewBackup(string) (*msqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("the driver has no backup API")
		}
		bk, err := b.NewBackup(path)
		if err != nil {
			return err
		}
		if _, err := bk.Step(-1); err != nil {
			bk.Finish()
			return err
		}
		return bk.Finish()
	})
	return internal("BackupTo", err)
}

// SchemaVersion is the highest migration recorded in the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v)
	return int(v.Int64), internal("SchemaVersion", err)
}
