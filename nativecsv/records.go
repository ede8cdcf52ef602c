package nativecsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
)

// records reads the records of a CSV file as encoding/csv does (comma
// separated, FieldsPerRecord -1, quotes as RFC 4180 has them), and the
// line each starts on, with less work for what files mostly hold: a line
// is split where it lies in the reader's buffer, its fields slices of it,
// so that a record costs no allocation and no copy. A line it does not
// read that simply (a quote within a field, a quoted field going on to the
// next line, a carriage return but at the end of the line, a quote error)
// hands the rest of the file, from that line, to encoding/csv: the
// records, their lines and the errors are encoding/csv's (FuzzRecords).
type records struct {
	br   *bufio.Reader
	long []byte // a line longer than br's buffer
	line int    // the line of the last record (or blank line) split
	rec  [][]byte

	cr      *csv.Reader // the rest of the file, once a line was not simple
	crLines int         // the lines before cr's first
	crLine  int         // the line of cr's last record
}

func newRecords(r io.Reader) *records {
	return &records{br: bufio.NewReaderSize(r, 64<<10)}
}

// Read returns the next record; its fields are valid until the next call.
// io.EOF at the end of the file.
func (rs *records) Read() ([][]byte, error) {
	for rs.cr == nil {
		line, err := rs.readLine()
		if err != nil && (err != io.EOF || len(line) == 0) {
			return nil, err
		}
		rec, ok := rs.split(line)
		if !ok {
			rs.handOver(line)
			break
		}
		rs.line++
		if rec != nil {
			return rec, nil
		}
	}
	rec, err := rs.cr.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		e := *pe
		e.StartLine += rs.crLines
		e.Line += rs.crLines
		return nil, &e
	}
	if err != nil {
		return nil, err
	}
	l, _ := rs.cr.FieldPos(0)
	rs.crLine = rs.crLines + l
	rs.rec = rs.rec[:0]
	for _, f := range rec {
		rs.rec = append(rs.rec, []byte(f))
	}
	return rs.rec, nil
}

// Line is the line the last record read starts on.
func (rs *records) Line() int {
	if rs.cr != nil {
		return rs.crLine
	}
	return rs.line
}

// readLine reads the next line, with its line break if it has one.
func (rs *records) readLine() ([]byte, error) {
	line, err := rs.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		rs.long = append(rs.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = rs.br.ReadSlice('\n')
			rs.long = append(rs.long, line...)
		}
		line = rs.long
	}
	return line, err
}

// split cuts a line (with its line break, if any) into fields when it is
// simple: nil for a blank line; false when it is not simple.
func (rs *records) split(line []byte) ([][]byte, bool) {
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r")) // \r\n is a line break; a last \r before the end of the file is dropped
	if len(line) == 0 {
		return nil, true
	}
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, false
	}
	rec := rs.rec[:0]
	if bytes.IndexByte(line, '"') < 0 {
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				break
			}
			rec = append(rec, line[:i:i])
			line = line[i+1:]
		}
		rs.rec = append(rec, line)
		return rs.rec, true
	}
	for {
		var field []byte
		if line[0] == '"' {
			// A quoted field without quotes in it, ending the line or
			// followed by a comma.
			j := bytes.IndexByte(line[1:], '"')
			if j < 0 {
				return nil, false
			}
			field, line = line[1:1+j:1+j], line[2+j:]
			if len(line) > 0 && line[0] != ',' {
				return nil, false
			}
		} else {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				i = len(line)
			}
			field, line = line[:i:i], line[i:]
			if bytes.IndexByte(field, '"') >= 0 {
				return nil, false
			}
		}
		rec = append(rec, field)
		if len(line) == 0 {
			break
		}
		line = line[1:] // the comma
		if len(line) == 0 {
			rec = append(rec, line) // an empty last field
			break
		}
	}
	rs.rec = rec
	return rec, true
}

// handOver gives the rest of the file, from line (not yet split), to
// encoding/csv.
func (rs *records) handOver(line []byte) {
	rs.cr = csv.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(line)), rs.br))
	rs.cr.FieldsPerRecord = -1
	rs.cr.ReuseRecord = true
	rs.crLines = rs.line
}
