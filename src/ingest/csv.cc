#include <cstring>

#include "ingest/csv_internal.h"

namespace credence::ingest::internal {
namespace {

constexpr std::string_view kFullWidthSpace = "\xE3\x80\x80";  // U+3000

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Whether a physical line carries no data: whitespace only, or (for CSV) commas too.
bool IsBlankLine(std::string_view line, bool commas_are_blank) {
  for (char c : line) {
    if (IsAsciiSpace(c)) continue;
    if (commas_are_blank && c == ',') continue;
    return false;
  }
  return true;
}

std::string_view StripCarriageReturn(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::string_view TrimSpace(std::string_view text) {
  while (true) {
    if (!text.empty() && IsAsciiSpace(text.front())) {
      text.remove_prefix(1);
    } else if (text.starts_with(kFullWidthSpace)) {
      text.remove_prefix(kFullWidthSpace.size());
    } else {
      break;
    }
  }
  while (true) {
    if (!text.empty() && IsAsciiSpace(text.back())) {
      text.remove_suffix(1);
    } else if (text.ends_with(kFullWidthSpace)) {
      text.remove_suffix(kFullWidthSpace.size());
    } else {
      break;
    }
  }
  return text;
}

bool LineSplitter::Next(RawRow* row) {
  while (pos_ < data_.size()) {
    size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) end = data_.size();
    std::string_view line = data_.substr(pos_, end - pos_);
    int64_t line_number = next_line_++;
    pos_ = end < data_.size() ? end + 1 : end;
    if (IsBlankLine(line, /*commas_are_blank=*/false)) continue;
    row->line = line_number;
    row->text = StripCarriageReturn(line);
    return true;
  }
  return false;
}

bool CsvRecordSplitter::Next(RawRow* row) {
  // Skip blank physical lines before the record.
  while (pos_ < data_.size()) {
    size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) end = data_.size();
    std::string_view line = data_.substr(pos_, end - pos_);
    if (!IsBlankLine(line, /*commas_are_blank=*/true)) break;
    ++next_line_;
    pos_ = end < data_.size() ? end + 1 : end;
  }
  if (pos_ >= data_.size()) return false;

  const size_t start = pos_;
  const int64_t start_line = next_line_;
  bool in_quotes = false;
  size_t i = start;
  const char* base = data_.data();
  const size_t size = data_.size();
  while (i < size) {
    // Jump to the next character that matters: a quote always, a line break outside quotes.
    const char* hit = nullptr;
    if (in_quotes) {
      hit = static_cast<const char*>(std::memchr(base + i, '"', size - i));
      // Line breaks inside quotes still count for the numbering of later records.
      const char* scan_end = hit != nullptr ? hit : base + size;
      for (const char* p = base + i; p < scan_end; ++p) {
        if (*p == '\n') ++next_line_;
      }
    } else {
      const char* newline = static_cast<const char*>(std::memchr(base + i, '\n', size - i));
      const char* line_end = newline != nullptr ? newline : base + size;
      const char* quote =
          static_cast<const char*>(std::memchr(base + i, '"', line_end - (base + i)));
      hit = quote != nullptr ? quote : newline;
    }
    if (hit == nullptr) {
      i = size;
      break;
    }
    i = static_cast<size_t>(hit - base);
    if (*hit == '"') {
      in_quotes = !in_quotes;
      ++i;
      continue;
    }
    // An unquoted line break ends the record.
    break;
  }
  row->line = start_line;
  row->text = StripCarriageReturn(data_.substr(start, i - start));
  if (i < size) {
    ++next_line_;  // the record's final line break
    pos_ = i + 1;
  } else {
    pos_ = size;
  }
  return true;
}

bool SplitCsvFields(std::string_view record, std::vector<std::string>* fields) {
  fields->clear();
  std::string field;
  size_t i = 0;
  const size_t n = record.size();
  while (true) {
    field.clear();
    // Leading whitespace before an opening quote is not part of the field.
    size_t first = i;
    while (first < n && (record[first] == ' ' || record[first] == '\t')) ++first;
    if (first < n && record[first] == '"') {
      i = first + 1;
      bool closed = false;
      while (i < n) {
        size_t quote = record.find('"', i);
        if (quote == std::string_view::npos) {
          field.append(record.substr(i));
          i = n;
          break;
        }
        field.append(record.substr(i, quote - i));
        if (quote + 1 < n && record[quote + 1] == '"') {
          field.push_back('"');
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        closed = true;
        break;
      }
      if (!closed) {
        fields->emplace_back(TrimSpace(field));
        return false;
      }
      // Anything after the closing quote up to the delimiter is kept (lenient).
      size_t comma = record.find(',', i);
      size_t stop = comma == std::string_view::npos ? n : comma;
      field.append(record.substr(i, stop - i));
      i = stop;
    } else {
      size_t comma = record.find(',', i);
      size_t stop = comma == std::string_view::npos ? n : comma;
      field.append(record.substr(i, stop - i));
      i = stop;
    }
    fields->emplace_back(TrimSpace(field));
    if (i >= n) break;
    ++i;  // the comma
  }
  return true;
}

}  // namespace credence::ingest::internal
