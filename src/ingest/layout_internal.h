// CSV layouts: how the columns of a recognised header become the fields of the feed object an
// NDJSON line would have, so that everything after parsing is shared. Internal to ingest.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "policy/policy.h"

namespace credence::ingest::internal {

enum class CsvLayoutKind : uint8_t {
  kFeed,     // "csv": NDJSON field names, nested ones dotted
  kPenalty,  // "csv_penalty": national administrative penalty template
  kLicense,  // "csv_license": national administrative licence template
};

// What a column's cells become.
enum class CellTransform : uint8_t {
  kSkip,           // a column without a name
  kString,         // the trimmed text
  kNumber,         // a JSON number when the text is one, else the text (validation reports it)
  kInteger,        // a JSON integer when the text is digits, else the text
  kDate,           // YYYY-MM-DD from YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, YYYY年M月D日
  kDateOrOpenEnd,  // as kDate; "长期" (no end) leaves the field out and keeps the text in extra
  kWanYuan,        // 万元 (10,000 yuan) → yuan as a JSON number
  kRecordNo,       // 数据来源单位记录号: the source_ref when filled
  kPersonId,       // 证件号码: subject.code when no credit code is given
};

struct CsvColumn {
  std::string header;  // as in the file
  std::string path;    // dotted feed field, e.g. "subject.code", "extra.remarks"
  CellTransform transform = CellTransform::kString;
};

struct CsvLayout {
  CsvLayoutKind kind = CsvLayoutKind::kFeed;
  std::string format;  // "csv", "csv_penalty", "csv_license"
  std::vector<CsvColumn> columns;
  std::vector<std::string> warnings;  // e.g. template columns that are missing

  // The header of the column that fills a feed field, for messages ("" when none or when the
  // layout uses the feed names themselves).
  std::string_view ColumnFor(std::string_view field) const;
};

// Recognises the layout from the header fields. Fails with reason "csv_header" when the header
// matches none of the layouts.
Result<CsvLayout> RecognizeCsvHeader(std::span<const std::string> header);

// The feed object of one CSV record. Fails with reason "columns" when the record has more
// (non-empty) or fewer fields than the header.
Result<JsonValue> CsvRecordToFeed(const CsvLayout& layout, std::span<const std::string> fields);

// "2024/3/5", "20240305", "2024年3月5日", "2024-03-05 10:00:00" → "2024-03-05"; nullopt when the
// text is none of the accepted forms (the calendar is checked later, by validation).
std::optional<std::string> NormalizeTemplateDate(std::string_view text);

// The tier of an administrative penalty from its 处罚类别 (penalty category) text. Several
// categories may be listed, separated by ；;、,， — the most serious wins:
//   minor:   警告, 通报批评
//   general: 罚款, 没收违法所得, 没收非法财物
//   serious: 暂扣或吊销许可证 / 执照 (any 暂扣 or 吊销), 降低资质等级, 责令停产停业, 责令关闭,
//            限制从业, 行政拘留
// Tier::kNone when no category is recognised (e.g. "其他"); the row must then carry a tier.
policy::Tier TierFromPenaltyCategory(std::string_view category);

// "5" (万元) → 50000; "0.35" → 3500; nullopt when the text is not a non-negative decimal.
std::optional<JsonValue> WanYuanToYuan(std::string_view text);

// Sets a member at a dotted path, creating nested objects on the way.
void SetPath(JsonValue& object, std::string_view dotted_path, JsonValue value);

}  // namespace credence::ingest::internal
