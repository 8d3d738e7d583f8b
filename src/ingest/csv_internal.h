// Splitting a feed into rows: NDJSON lines and RFC 4180 CSV records. Internal to ingest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace credence::ingest::internal {

// One row of input before parsing: an NDJSON line or a CSV record, numbered by the 1-based
// physical line where it starts. text excludes the final line break (LF or CRLF) and points into
// the input, which must outlive it.
struct RawRow {
  int64_t line = 0;
  std::string_view text;
};

// Yields the non-blank lines of NDJSON text. Lines holding only spaces, tabs or a carriage
// return are skipped (they are not rows), but still count for the numbering.
class LineSplitter {
 public:
  explicit LineSplitter(std::string_view data) : data_(data) {}
  // The next row; false at the end of the input.
  bool Next(RawRow* row);
  // Bytes consumed so far.
  size_t offset() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  int64_t next_line_ = 1;
};

// Yields the records of CSV text (RFC 4180, LF or CRLF). A line break inside a quoted field
// belongs to the field, so a record may span several lines; it is numbered by the line where it
// starts. Blank lines between records (nothing but whitespace and commas, as spreadsheets export
// them) are skipped. An unterminated quote makes the record run to the end of the input, and
// SplitCsvFields then reports it.
class CsvRecordSplitter {
 public:
  explicit CsvRecordSplitter(std::string_view data) : data_(data) {}
  bool Next(RawRow* row);
  size_t offset() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  int64_t next_line_ = 1;
};

// Splits one CSV record (as yielded by CsvRecordSplitter) into its fields, each trimmed of
// surrounding ASCII and full-width whitespace. A quoted field loses its quotes and "" becomes ".
// Real exports are not always strict, so a quote inside an unquoted field is kept as a
// character and text after a closing quote is appended to the field. Returns false when a quoted
// field is not terminated; fields then holds what was read.
bool SplitCsvFields(std::string_view record, std::vector<std::string>* fields);

// Trims ASCII whitespace and U+3000 (full-width space) at both ends.
std::string_view TrimSpace(std::string_view text);

}  // namespace credence::ingest::internal
