// The batch report (FORMATS.md "Batch report") and the names around it.
#include <charconv>

#include <fmt/format.h>

#include "common/json.h"
#include "ingest/ingest.h"

namespace credence::ingest {

std::optional<Format> ParseFormat(std::string_view key) {
  if (key == "auto") return Format::kAuto;
  if (key == "ndjson") return Format::kNdjson;
  if (key == "csv") return Format::kCsv;
  return std::nullopt;
}

std::string BatchName(int64_t batch_id) { return fmt::format("b-{:06d}", batch_id); }

std::optional<int64_t> ParseBatchName(std::string_view name) {
  if (name.starts_with("b-")) name.remove_prefix(2);
  if (name.empty() || name.size() > 18) return std::nullopt;
  int64_t id = 0;
  auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (error != std::errc() || end != name.data() + name.size() || id <= 0) return std::nullopt;
  return id;
}

std::string BatchReportJson(const BatchReport& report) {
  JsonWriter writer;
  writer.StartObject();
  writer.Field("batch", BatchName(report.batch_id));
  writer.Field("format", report.format);
  writer.Field("submitted", report.submitted);
  writer.Field("accepted", report.accepted);
  writer.Field("updated", report.updated);
  writer.Field("unchanged", report.unchanged);
  writer.Field("rejected", report.rejected);
  writer.Field("flagged", report.flagged);
  writer.Key("errors").StartArray();
  for (const RowError& error : report.errors) {
    writer.StartObject();
    writer.Field("line", error.line);
    writer.Field("field", error.field);
    writer.Field("code", error.code);
    writer.Field("message", error.message);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("warnings").StartArray();
  for (const std::string& warning : report.warnings) writer.String(warning);
  writer.EndArray();
  // Milliseconds are precise enough and keep the report short.
  writer.Field("seconds", static_cast<double>(static_cast<int64_t>(report.seconds * 1000)) / 1000);
  writer.EndObject();
  return writer.Take();
}

}  // namespace credence::ingest
