package ops

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"planwatch"
	"planwatch/copystore"
	"planwatch/internal/engine"
	"planwatch/internal/tempfile"
	"planwatch/sqlite"
)

// A backup is a SQLite database file holding the whole store (whatever the
// engine it came from), followed by a manifest: a CRC-32C of every MiB of
// the database image, its page size and count, the rows of every table, and what the
// backup is of (the last change set, the audit head, the schema version),
// as JSON, then its length and a magic string. SQLite reads the image and
// ignores what follows it (the header gives the image's size), so the file
// opens as a database for inspection; restore recomputes everything and
// refuses a file that differs in anything (a truncated file, a flipped byte,
// deleted rows) or has no manifest (a backup that did not finish, or a file
// that is not one).

const trailerMagic = "planwatch-backup" // 16 bytes, the file's last

// Manifest is what a backup records about itself.
type Manifest struct {
	Created   time.Time        `json:"created"`
	Source    string           `json:"source"` // the engine backed up: sqlite or postgres
	Schema    int              `json:"schema"` // the highest migration of the backup
	Seq       int64            `json:"seq"`    // the last change set in the backup
	AuditID   int64            `json:"audit_id"`
	AuditHash string           `json:"audit_hash"` // the last audit entry's hash
	PageSize  int64            `json:"page_size"`
	Pages     int64            `json:"pages"` // the image is Pages × PageSize bytes
	Chunk     int64            `json:"chunk"` // bytes of image a checksum covers
	CRC32C    []uint32         `json:"crc32c"`
	Rows      map[string]int64 `json:"rows"` // by table
}

// chunkSize is how much of the image one checksum covers: a damaged
// backup is reported with the range of bytes that differs.
const chunkSize = 1 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sqliteSideFiles are the files SQLite keeps beside a database of path
// (path + each): its log, shared memory and rollback journal.
var sqliteSideFiles = []string{"-wal", "-shm", "-journal"}

// Backup writes a backup of s to out (through a temporary file beside it,
// synced and renamed when complete: out is either a whole backup or
// absent). A SQLite store's file, then its log, are copied while a read
// transaction is held (sqlite.DB.WhileReading), the rows counted in that
// transaction meanwhile and the image checksummed as it is copied; a copied
// log that is not empty is folded in by opening the copy once. A
// PostgreSQL store is copied record by record into a new SQLite file with
// the code of copy-store (verified with its checksums).
func Backup(ctx context.Context, s planwatch.Store, out string, now time.Time) (*Manifest, error) {
	// The partial file is locked while the backup lives, so that a killed
	// backup's is told from it (removeKilledBackups); SQLite's own locks
	// on it are of another kind and do not meet this one.
	f, err := tempfile.Create(filepath.Dir(out), filepath.Base(out)+partInfix+"*")
	if err != nil {
		return nil, err
	}
	tmp := f.Name()
	defer func() {
		for _, side := range sqliteSideFiles {
			os.Remove(tmp + side)
		}
		os.Remove(tmp)
		f.Close()
	}()
	m := &Manifest{Created: now.UTC(), Chunk: chunkSize}
	done := false // the manifest is complete (rows, pages, checksums)
	switch src := s.(type) {
	case *sqlite.DB:
		m.Source = "sqlite"
		err := src.WhileReading(ctx, func(path string, snap sqlite.Snapshot) error {
			counted := make(chan error, 1)
			go func() { counted <- describe(ctx, snap, m) }()
			sums, size, err := copyChunks(path, tmp)
			cerr := <-counted
			if err != nil {
				return err
			}
			if cerr != nil {
				return cerr
			}
			wal, err := copyWAL(path+"-wal", tmp+"-wal")
			if err != nil || wal > 0 {
				return err // a log to fold in: counted again below
			}
			// The file alone is the snapshot counted: it becomes a
			// rollback-journal database (PRAGMA journal_mode = DELETE
			// writes the same two bytes), its first checksum updated.
			if err := rollbackMode(tmp); err != nil {
				return err
			}
			first, _, err := sumChunks(tmp, min(size, chunkSize))
			if err != nil {
				return err
			}
			sums[0] = first[0]
			m.CRC32C, m.Pages, done = sums, size/m.PageSize, size%m.PageSize == 0
			return nil
		})
		if err != nil {
			return nil, err
		}
	default:
		m.Source = "postgres"
		d, ok := s.(planwatch.Dumper)
		if !ok {
			return nil, fmt.Errorf("ops: this store cannot be backed up")
		}
		if behind := SchemaBehind(s); behind != "" {
			// Copied record by record with this binary's schema.
			return nil, fmt.Errorf("%s; sao lưu bằng pg_dump / back it up with pg_dump (or the planwatch that wrote it)", behind)
		}
		dst, err := sqlite.Open(ctx, tmp) // the empty file made above, 0600
		if err != nil {
			return nil, err
		}
		_, _, err = copystore.Copy(ctx, d, dst)
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
	}
	if !done {
		if err := fold(ctx, tmp, m); err != nil {
			return nil, err
		}
	}
	if err := appendTrailer(tmp, m); err != nil {
		return nil, err
	}
	f.Close() // complete: the lock goes, and a file held open is not renamed everywhere
	if err := os.Rename(tmp, out); err != nil {
		return nil, err
	}
	return m, syncFile(filepath.Dir(out))
}

// fold makes the copy at path one file in rollback-journal mode (SQLite
// folds a copied log in), then counts and checksums it.
func fold(ctx context.Context, path string, m *Manifest) error {
	raw, err := openRaw(path, false)
	if err != nil {
		return err
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	if _, err := raw.ExecContext(ctx, `PRAGMA journal_mode = DELETE`); err != nil {
		return err
	}
	if err := describe(ctx, raw, m); err != nil {
		return err
	}
	if err := raw.Close(); err != nil {
		return err
	}
	// Nothing after the database's pages but the manifest.
	if fi, err := os.Stat(path); err != nil {
		return err
	} else if fi.Size() > m.PageSize*m.Pages {
		if err := os.Truncate(path, m.PageSize*m.Pages); err != nil {
			return err
		}
	}
	m.CRC32C, _, err = sumChunks(path, m.PageSize*m.Pages)
	return err
}

// rollbackMode sets the two file-format bytes of a SQLite header that say
// write-ahead log (2) to rollback journal (1).
func rollbackMode(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := make([]byte, 100)
	if _, err := io.ReadFull(f, hdr); err != nil || string(hdr[:16]) != "SQLite format 3\x00" {
		return fmt.Errorf("ops: %s is not a SQLite database", path)
	}
	if _, err := f.WriteAt([]byte{1, 1}, 18); err != nil {
		return err
	}
	return f.Close()
}

// copyChunks copies the file from into to, returning the CRC-32C of every
// chunk and the bytes copied.
func copyChunks(from, to string) ([]uint32, int64, error) {
	in, err := os.Open(from)
	if err != nil {
		return nil, 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, 0, err
	}
	defer out.Close()
	var sums []uint32
	var size int64
	buf := make([]byte, chunkSize)
	for {
		n, err := io.ReadFull(in, buf)
		if n > 0 {
			sums = append(sums, crc32.Checksum(buf[:n], castagnoli))
			size += int64(n)
			if _, err := out.Write(buf[:n]); err != nil {
				return nil, 0, err
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return sums, size, out.Close()
		}
		if err != nil {
			return nil, 0, err
		}
	}
}

// copyWAL copies a log file when there is one, returning its size.
func copyWAL(from, to string) (int64, error) {
	in, err := os.Open(from)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer in.Close()
	if fi, err := in.Stat(); err != nil || fi.Size() == 0 {
		return 0, err
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// sumChunks returns the CRC-32C of every chunk of the first size bytes of
// the file, and the bytes read (fewer when the file is shorter).
func sumChunks(path string, size int64) ([]uint32, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var sums []uint32
	var read int64
	buf := make([]byte, chunkSize)
	r := io.LimitReader(f, size)
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			sums = append(sums, crc32.Checksum(buf[:n], castagnoli))
			read += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return sums, read, nil
		}
		if err != nil {
			return nil, 0, err
		}
	}
}

// openRaw opens a SQLite file directly (no migrations), read-only if ro.
func openRaw(path string, ro bool) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)"
	if ro {
		dsn += "&mode=ro"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// describe reads what the database is: its page size and count, the rows
// of every table, the last change set, the audit head, the schema version.
func describe(ctx context.Context, raw querier, m *Manifest) error {
	var schema, seq, auditID sql.NullInt64
	var hash sql.NullString
	if err := raw.QueryRowContext(ctx, `SELECT (SELECT max(version) FROM schema_migrations), (SELECT max(id) FROM change_sets),
		(SELECT max(id) FROM audit), (SELECT hash FROM audit ORDER BY id DESC LIMIT 1)`).Scan(&schema, &seq, &auditID, &hash); err != nil {
		return fmt.Errorf("không phải CSDL planwatch / not a planwatch database: %w", err)
	}
	m.Schema, m.Seq, m.AuditID, m.AuditHash = int(schema.Int64), seq.Int64, auditID.Int64, hash.String
	if err := raw.QueryRowContext(ctx, `SELECT page_size, page_count FROM pragma_page_size, pragma_page_count`).Scan(&m.PageSize, &m.Pages); err != nil {
		return err
	}
	tables, err := engineQuery(ctx, raw, `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return err
	}
	m.Rows = map[string]int64{}
	for _, t := range tables {
		var n int64
		if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM `+engine.QuoteIdent(t)).Scan(&n); err != nil {
			return fmt.Errorf("table %s: %w", t, err)
		}
		m.Rows[t] = n
	}
	return nil
}

func engineQuery(ctx context.Context, raw querier, query string) ([]string, error) {
	rows, err := raw.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// appendTrailer writes the manifest after the image and syncs the file.
func appendTrailer(path string, m *Manifest) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	b = binary.BigEndian.AppendUint64(b, uint64(len(b)))
	b = append(b, trailerMagic...)
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ErrBadBackup is what Verify's error wraps when the file is not a sound,
// complete backup.
var ErrBadBackup = errors.New("bản sao lưu hỏng hoặc không đầy đủ / damaged or incomplete backup")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadBackup, fmt.Sprintf(format, args...))
}

// readTrailer reads the manifest at the end of a backup file and returns
// it with the image's size.
func readTrailer(file string) (*Manifest, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	size := fi.Size()
	tail := make([]byte, 8+len(trailerMagic))
	if size < int64(len(tail)) {
		return nil, 0, bad("%s has %d bytes: not a backup", file, size)
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil {
		return nil, 0, err
	}
	if string(tail[8:]) != trailerMagic {
		return nil, 0, bad("%s has no manifest at its end: the backup did not finish, was cut short, or the file is not a planwatch backup", file)
	}
	n := int64(binary.BigEndian.Uint64(tail[:8]))
	if n <= 0 || n > size-int64(len(tail)) || n > 64<<20 {
		return nil, 0, bad("%s: the manifest's length (%d) does not fit the file", file, n)
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, size-int64(len(tail))-n); err != nil {
		return nil, 0, err
	}
	m := &Manifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, 0, bad("%s: the manifest cannot be read: %v", file, err)
	}
	return m, size - int64(len(tail)) - n, nil
}

// Verify checks a backup file: its manifest, the image's size and SHA-256,
// SQLite's integrity check, the rows of every table and what the backup
// says it is of. It returns the manifest, or an error wrapping
// ErrBadBackup that names what is wrong (the table whose rows differ, when
// it can tell). The file is only read.
func Verify(ctx context.Context, file string) (*Manifest, error) {
	m, image, err := readTrailer(file)
	if err != nil {
		return nil, err
	}
	return m, verifyImage(ctx, file, file, image, m)
}

// verifyImage checks the first image bytes of path (the backup file itself,
// or a copy of its image) against the manifest m of the backup named file.
func verifyImage(ctx context.Context, file, path string, image int64, m *Manifest) error {
	if image != m.PageSize*m.Pages {
		return bad("%s: the database image has %d bytes, the manifest says %d pages of %d bytes", file, image, m.Pages, m.PageSize)
	}
	got := &Manifest{}
	var err error
	if got.CRC32C, _, err = sumChunks(path, image); err != nil {
		return err
	}
	// What differs, as precisely as the file still allows.
	raw, err := openRaw(path, true)
	if err != nil {
		return err
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&check); err != nil {
		return bad("%s cannot be read as a database: %v", file, err)
	}
	if check != "ok" {
		return bad("%s fails SQLite's integrity check: %s", file, check)
	}
	if err := describe(ctx, raw, got); err != nil {
		return bad("%s: %v", file, err)
	}
	for t, n := range m.Rows {
		if g, ok := got.Rows[t]; !ok {
			return bad("%s: table %s is missing", file, t)
		} else if g != n {
			return bad("%s: table %s has %d rows, the backup recorded %d", file, t, g, n)
		}
	}
	for t := range got.Rows {
		if _, ok := m.Rows[t]; !ok {
			return bad("%s: table %s was not in the backup", file, t)
		}
	}
	if len(got.CRC32C) != len(m.CRC32C) || m.Chunk != chunkSize {
		return bad("%s: %d checksums of %d bytes recorded for %d bytes of image", file, len(m.CRC32C), m.Chunk, image)
	}
	for i := range m.CRC32C {
		if got.CRC32C[i] != m.CRC32C[i] {
			return bad("%s: bytes %d–%d of the database image differ from the backup's checksum: the file was changed or damaged",
				file, int64(i)*chunkSize, min(int64(i+1)*chunkSize, image)-1)
		}
	}
	if got.Seq != m.Seq || got.AuditHash != m.AuditHash || got.Schema != m.Schema {
		return bad("%s: holds change %d and audit head %.12s…, the manifest says %d and %.12s…", file, got.Seq, got.AuditHash, m.Seq, m.AuditHash)
	}
	return nil
}

// RestoreSQLite restores a backup into a new SQLite database at dst, which
// must not exist. The database holds password hashes, so it is private to
// its owner: directories made for it are 0700, the file 0600. The image is
// copied into a temporary file beside dst, and that copy — what dst will
// be — is verified against the backup's manifest (a damaged or incomplete
// backup is refused naming what is wrong), synced, and only then linked
// under dst, never replacing a file that appeared there meanwhile; nothing
// is left beside dst when it fails. The caller opens dst (which brings an
// older backup's schema up to date) and checks it.
func RestoreSQLite(ctx context.Context, file, dst string) (*Manifest, error) {
	m, image, err := readTrailer(file)
	if err != nil {
		return nil, err
	}
	if image != m.PageSize*m.Pages {
		return nil, bad("%s: the database image has %d bytes, the manifest says %d pages of %d bytes", file, image, m.Pages, m.PageSize)
	}
	if _, err := os.Lstat(dst); err == nil {
		return nil, exists(dst)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".restoring*") // 0600
	if err != nil {
		return nil, err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	err = copyImage(file, f, image)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := verifyImage(ctx, file, tmp, image, m); err != nil {
		return nil, err
	}
	// Link fails when dst exists, where a rename would replace it; a file
	// system without hard links gets the rename, dst checked just before.
	if err := os.Link(tmp, dst); errors.Is(err, fs.ErrExist) {
		return nil, exists(dst)
	} else if err != nil {
		if _, err := os.Lstat(dst); err == nil {
			return nil, exists(dst)
		}
		if err := os.Rename(tmp, dst); err != nil {
			return nil, err
		}
	}
	return m, syncFile(filepath.Dir(dst))
}

func exists(dst string) error {
	return planwatch.Errorf(planwatch.ECONFLICT, "%s đã có / already exists: restore into a new database", dst)
}

// RestoreInto restores a verified backup into an empty store of any engine
// (copy-store's code, verified with its checksums).
func RestoreInto(ctx context.Context, file string, dst planwatch.Restorer) (*Manifest, error) {
	dir, err := os.MkdirTemp("", "planwatch-restore")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "backup.db")
	m, err := RestoreSQLite(ctx, file, path)
	if err != nil {
		return nil, err
	}
	src, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	_, _, err = copystore.Copy(ctx, src, dst)
	return m, err
}

// copyImage copies the first size bytes of from into out and syncs it.
func copyImage(from string, out *os.File, size int64) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if n, err := io.Copy(out, io.LimitReader(in, size)); err != nil {
		return err
	} else if n != size {
		return bad("%s: the database image has %d bytes, want %d", from, n, size)
	}
	return out.Sync()
}
