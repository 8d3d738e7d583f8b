#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "ingest/csv_internal.h"
#include "ingest/layout_internal.h"

namespace credence::ingest::internal {
namespace {

struct ColumnRule {
  std::string_view header;  // normalised (see NormalizeHeader)
  std::string_view path;
  CellTransform transform;
};

// Columns shared by both national double-publicity templates: the subject's identity.
constexpr ColumnRule kSubjectColumns[] = {
    {"行政相对人名称", "subject.name", CellTransform::kString},
    {"行政相对人类别", "extra.subject_category", CellTransform::kString},
    {"统一社会信用代码", "subject.code", CellTransform::kString},
    {"行政相对人代码_1", "subject.code", CellTransform::kString},
    {"行政相对人代码_2", "extra.registration_no", CellTransform::kString},
    {"工商注册号", "extra.registration_no", CellTransform::kString},
    {"行政相对人代码_3", "extra.organisation_code", CellTransform::kString},
    {"组织机构代码", "extra.organisation_code", CellTransform::kString},
    {"行政相对人代码_4", "extra.tax_registration_no", CellTransform::kString},
    {"税务登记号", "extra.tax_registration_no", CellTransform::kString},
    {"行政相对人代码_5", "extra.institution_certificate_no", CellTransform::kString},
    {"事业单位证书号", "extra.institution_certificate_no", CellTransform::kString},
    {"行政相对人代码_6", "extra.social_organisation_no", CellTransform::kString},
    {"社会组织登记证号", "extra.social_organisation_no", CellTransform::kString},
    {"法定代表人", "legal_representative", CellTransform::kString},
    {"法定代表人证件类型", "extra.legal_representative_id_type", CellTransform::kString},
    {"法定代表人证件号码", "extra.legal_representative_id_no", CellTransform::kString},
    {"证件类型", "extra.id_type", CellTransform::kString},
    {"证件号码", "subject.code", CellTransform::kPersonId},
    {"数据来源单位", "extra.source_unit", CellTransform::kString},
    {"数据来源单位统一社会信用代码", "extra.source_unit_code", CellTransform::kString},
    {"数据来源单位记录号", "source_ref", CellTransform::kRecordNo},
    {"备注", "extra.remarks", CellTransform::kString},
};

constexpr ColumnRule kPenaltyColumns[] = {
    {"行政处罚决定书文号", "document_no", CellTransform::kString},
    {"违法行为类型", "extra.violation_type", CellTransform::kString},
    {"违法事实", "extra.violation_facts", CellTransform::kString},
    {"处罚依据", "legal_basis", CellTransform::kString},
    {"处罚类别", "penalty_category", CellTransform::kString},
    {"处罚内容", "content", CellTransform::kString},
    {"罚款金额(万元)", "amount_yuan", CellTransform::kWanYuan},
    {"罚款金额(元)", "amount_yuan", CellTransform::kNumber},
    {"没收违法所得、没收非法财物的金额(万元)", "extra.confiscated_yuan", CellTransform::kWanYuan},
    {"没收违法所得没收非法财物的金额(万元)", "extra.confiscated_yuan", CellTransform::kWanYuan},
    {"暂扣或吊销证照名称及编号", "extra.licence_suspended_or_revoked", CellTransform::kString},
    {"处罚决定日期", "decided_at", CellTransform::kDate},
    {"处罚有效期", "valid_until", CellTransform::kDateOrOpenEnd},
    {"公示截止期", "extra.publicity_until", CellTransform::kDate},
    {"处罚机关", "authority.name", CellTransform::kString},
    {"处罚机关统一社会信用代码", "authority.code", CellTransform::kString},
};

constexpr ColumnRule kLicenseColumns[] = {
    {"行政许可决定文书名称", "extra.decision_document_name", CellTransform::kString},
    {"行政许可决定文书号", "document_no", CellTransform::kString},
    {"许可类别", "extra.licence_category", CellTransform::kString},
    {"许可证书名称", "extra.certificate_name", CellTransform::kString},
    {"许可编号", "extra.licence_no", CellTransform::kString},
    {"许可内容", "content", CellTransform::kString},
    {"许可决定日期", "decided_at", CellTransform::kDate},
    {"有效期自", "valid_from", CellTransform::kDate},
    {"有效期至", "valid_until", CellTransform::kDateOrOpenEnd},
    {"许可机关", "authority.name", CellTransform::kString},
    {"许可机关统一社会信用代码", "authority.code", CellTransform::kString},
    {"当前状态", "extra.licence_status", CellTransform::kString},
};

// The columns FORMATS.md names as the least each template has; missing ones are warned about.
constexpr std::string_view kPenaltyExpected[] = {
    "行政相对人名称", "行政处罚决定书文号", "处罚依据", "处罚类别",    "处罚内容",
    "罚款金额(万元)", "处罚决定日期",       "处罚机关", "数据来源单位"};
constexpr std::string_view kLicenseExpected[] = {
    "行政相对人名称", "行政许可决定文书号", "许可类别", "许可内容",
    "许可决定日期",   "有效期自",           "有效期至", "许可机关"};

// Headers that identify a template (any one is enough).
constexpr std::string_view kPenaltyMarkers[] = {"行政处罚决定书文号", "处罚类别", "处罚决定日期"};
constexpr std::string_view kLicenseMarkers[] = {"行政许可决定文书号", "许可类别", "许可决定日期"};
// Feed field names that identify the NDJSON-names layout.
constexpr std::string_view kFeedMarkers[] = {"source_ref", "kind", "subject.code", "action"};

// Open-ended validity in the templates ("long-term", "permanent", "no fixed term").
constexpr std::string_view kOpenEndWords[] = {"长期", "长期有效", "永久", "永久有效", "无固定期限"};

// Cells that mean "nothing" in amount columns.
constexpr std::string_view kNoAmountWords[] = {"无", "-", "/", "—", "－"};

// Header text as templates vary it: whitespace and the '*' marking mandatory columns removed,
// full-width parentheses folded to ASCII.
std::string NormalizeHeader(std::string_view header) {
  std::string out;
  out.reserve(header.size());
  size_t i = 0;
  while (i < header.size()) {
    std::string_view rest = header.substr(i);
    if (rest.starts_with("\xEF\xBC\x88")) {  // （
      out.push_back('(');
      i += 3;
    } else if (rest.starts_with("\xEF\xBC\x89")) {  // ）
      out.push_back(')');
      i += 3;
    } else if (rest.starts_with("\xEF\xBC\x8A") || rest.starts_with("\xE3\x80\x80")) {  // ＊ U+3000
      i += 3;
    } else if (rest.starts_with("\xEF\xBB\xBF")) {  // a stray byte-order mark
      i += 3;
    } else {
      char c = header[i++];
      if (c == '*' || c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      out.push_back(c);
    }
  }
  return out;
}

// "行政相对人代码_1(统一社会信用代码)" → "行政相对人代码_1": templates annotate some headers.
std::string_view WithoutAnnotation(std::string_view header) {
  size_t paren = header.find('(');
  return paren == std::string_view::npos || paren == 0 ? header : header.substr(0, paren);
}

const ColumnRule* FindRule(std::span<const ColumnRule> rules, std::string_view normalized) {
  for (const ColumnRule& rule : rules) {
    if (rule.header == normalized) return &rule;
  }
  std::string_view bare = WithoutAnnotation(normalized);
  if (bare != normalized) {
    for (const ColumnRule& rule : rules) {
      if (rule.header == bare) return &rule;
    }
  }
  return nullptr;
}

bool IsFeedFieldName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

CellTransform FeedTransform(std::string_view path) {
  if (path.empty()) return CellTransform::kSkip;
  if (path == "amount_yuan") return CellTransform::kNumber;
  if (path == "year") return CellTransform::kInteger;
  return CellTransform::kString;
}

bool Contains(std::span<const std::string> haystack, std::string_view needle) {
  for (const std::string& item : haystack) {
    if (item == needle || WithoutAnnotation(item) == needle) return true;
  }
  return false;
}

bool ContainsAny(std::span<const std::string> haystack, std::span<const std::string_view> needles) {
  for (std::string_view needle : needles) {
    if (Contains(haystack, needle)) return true;
  }
  return false;
}

template <typename Words>
bool IsOneOf(std::string_view text, const Words& words) {
  for (std::string_view word : words) {
    if (text == word) return true;
  }
  return false;
}

JsonValue* FindMember(JsonValue& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (auto& [name, value] : object.as_object()) {
    if (name == key) return &value;
  }
  return nullptr;
}

// A JSON number for a plain decimal ("12", "-3", "4.5"), else nullopt.
std::optional<JsonValue> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t integer = 0;
  auto [int_end, int_error] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (int_error == std::errc() && int_end == text.data() + text.size()) return JsonValue(integer);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return JsonValue(value);
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string_view CsvLayout::ColumnFor(std::string_view field) const {
  if (kind == CsvLayoutKind::kFeed) return {};
  for (const CsvColumn& column : columns) {
    if (column.path == field) return column.header;
  }
  // Without a record number column, the decision document number is the source_ref.
  if (field == "source_ref") return ColumnFor("document_no");
  return {};
}

Result<CsvLayout> RecognizeCsvHeader(std::span<const std::string> header) {
  std::vector<std::string> normalized;
  normalized.reserve(header.size());
  for (const std::string& name : header) normalized.push_back(NormalizeHeader(name));

  CsvLayout layout;
  std::span<const ColumnRule> specific;
  std::span<const std::string_view> expected;
  std::string_view template_name;
  if (ContainsAny(normalized, kPenaltyMarkers)) {
    layout.kind = CsvLayoutKind::kPenalty;
    layout.format = "csv_penalty";
    specific = kPenaltyColumns;
    expected = kPenaltyExpected;
    template_name = "administrative penalty";
  } else if (ContainsAny(normalized, kLicenseMarkers)) {
    layout.kind = CsvLayoutKind::kLicense;
    layout.format = "csv_license";
    specific = kLicenseColumns;
    expected = kLicenseExpected;
    template_name = "administrative licence";
  } else if (ContainsAny(normalized, kFeedMarkers)) {
    layout.kind = CsvLayoutKind::kFeed;
    layout.format = "csv";
  } else {
    return Fail(Error::InvalidArgument(
        "csv_header",
        "the CSV header matches no known layout: use the feed field names (source_ref, kind, "
        "subject.code, subject.name, decided_at, ...) or the national double-publicity penalty "
        "or licence template headers (行政相对人名称, 统一社会信用代码, 行政处罚决定书文号 / "
        "行政许可决定文书号, ...)"));
  }

  layout.columns.reserve(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    CsvColumn column;
    column.header = std::string(TrimSpace(header[i]));
    const std::string& name = normalized[i];
    if (layout.kind == CsvLayoutKind::kFeed) {
      column.path = name;
      column.transform = FeedTransform(name);
    } else if (name.empty()) {
      column.transform = CellTransform::kSkip;
    } else if (const ColumnRule* rule = FindRule(specific, name)) {
      column.path = std::string(rule->path);
      column.transform = rule->transform;
    } else if (const ColumnRule* shared = FindRule(kSubjectColumns, name)) {
      column.path = std::string(shared->path);
      column.transform = shared->transform;
    } else if (IsFeedFieldName(name)) {
      // A template extended with feed columns ("tier", "action", ...).
      column.path = name;
      column.transform = FeedTransform(name);
    } else {
      // Any other template column is kept verbatim under extra.
      column.path = "extra." + name;
    }
    layout.columns.push_back(std::move(column));
  }

  if (layout.kind != CsvLayoutKind::kFeed) {
    std::vector<std::string_view> missing;
    for (std::string_view column : expected) {
      if (!Contains(normalized, column)) missing.push_back(column);
    }
    if (!Contains(normalized, "统一社会信用代码") && !Contains(normalized, "行政相对人代码_1") &&
        !Contains(normalized, "证件号码")) {
      missing.push_back("统一社会信用代码");
    }
    if (!missing.empty()) {
      layout.warnings.push_back(fmt::format("the {} template has no column {}; rows need it",
                                            template_name, fmt::join(missing, ", ")));
    }
  }
  return layout;
}

Result<JsonValue> CsvRecordToFeed(const CsvLayout& layout, std::span<const std::string> fields) {
  size_t used = fields.size();
  while (used > layout.columns.size() && fields[used - 1].empty()) --used;  // trailing commas
  if (used != layout.columns.size()) {
    return Fail(Error::InvalidArgument(
        "columns", fmt::format("the record has {} fields but the header has {} columns (an "
                               "unquoted comma or line break in a field?)",
                               used, layout.columns.size())));
  }

  JsonValue feed(JsonValue::Object{});
  feed.as_object().reserve(layout.columns.size() < 16 ? layout.columns.size() : 16);
  std::string_view record_no;
  std::string_view person_id;
  for (size_t i = 0; i < used; ++i) {
    const CsvColumn& column = layout.columns[i];
    std::string_view cell = fields[i];
    if (cell.empty() || column.transform == CellTransform::kSkip) continue;
    switch (column.transform) {
      case CellTransform::kSkip: break;
      case CellTransform::kString: SetPath(feed, column.path, JsonValue(cell)); break;
      case CellTransform::kNumber: {
        std::optional<JsonValue> number = ParseNumber(cell);
        SetPath(feed, column.path, number ? std::move(*number) : JsonValue(cell));
        break;
      }
      case CellTransform::kInteger: {
        std::optional<JsonValue> number;
        if (AllDigits(cell) && cell.size() <= 18) number = ParseNumber(cell);
        SetPath(feed, column.path, number ? std::move(*number) : JsonValue(cell));
        break;
      }
      case CellTransform::kDate: {
        std::optional<std::string> date = NormalizeTemplateDate(cell);
        SetPath(feed, column.path, date ? JsonValue(std::move(*date)) : JsonValue(cell));
        break;
      }
      case CellTransform::kDateOrOpenEnd: {
        if (IsOneOf(cell, kOpenEndWords)) {
          SetPath(feed, "extra." + column.path + "_text", JsonValue(cell));
          break;
        }
        std::optional<std::string> date = NormalizeTemplateDate(cell);
        SetPath(feed, column.path, date ? JsonValue(std::move(*date)) : JsonValue(cell));
        break;
      }
      case CellTransform::kWanYuan: {
        if (IsOneOf(cell, kNoAmountWords)) break;
        std::optional<JsonValue> yuan = WanYuanToYuan(cell);
        SetPath(feed, column.path, yuan ? std::move(*yuan) : JsonValue(cell));
        break;
      }
      case CellTransform::kRecordNo: record_no = cell; break;
      case CellTransform::kPersonId: person_id = cell; break;
    }
  }

  if (layout.kind == CsvLayoutKind::kFeed) return feed;

  if (feed.Find("kind") == nullptr) {
    feed.Set("kind",
             JsonValue(layout.kind == CsvLayoutKind::kPenalty ? "admin_penalty" : "admin_license"));
  }
  if (feed.Find("source_ref") == nullptr) {
    if (!record_no.empty()) {
      feed.Set("source_ref", JsonValue(record_no));
    } else if (const JsonValue* document_no = feed.Find("document_no")) {
      feed.Set("source_ref", *document_no);
    }
  }
  if (!person_id.empty()) {
    // Natural persons have no credit code: their ID number identifies them.
    const JsonValue* code = feed.FindPath("subject.code");
    if (code == nullptr) {
      SetPath(feed, "subject.code", JsonValue(person_id));
    } else {
      SetPath(feed, "extra.id_no", JsonValue(person_id));
    }
  }
  if (layout.kind == CsvLayoutKind::kPenalty && feed.Find("tier") == nullptr) {
    if (std::optional<std::string_view> category = feed.GetString("penalty_category")) {
      policy::Tier tier = TierFromPenaltyCategory(*category);
      if (tier != policy::Tier::kNone) feed.Set("tier", JsonValue(policy::TierKey(tier)));
    }
  }
  return feed;
}

std::optional<std::string> NormalizeTemplateDate(std::string_view text) {
  text = TrimSpace(text);
  // A time of day after the date ("2024-03-05 10:00:00", "2024-03-05T10:00:00") is dropped.
  size_t cut = text.find_first_of(" T");
  if (cut != std::string_view::npos && cut >= 8) text = text.substr(0, cut);

  int year = 0, month = 0, day = 0;
  if (text.size() == 8 && AllDigits(text)) {
    year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    month = (text[4] - '0') * 10 + (text[5] - '0');
    day = (text[6] - '0') * 10 + (text[7] - '0');
  } else {
    // Three runs of digits separated by one of - / . or 年 月 (日 at the end).
    int parts[3] = {0, 0, 0};
    int digits[3] = {0, 0, 0};
    int part = 0;
    size_t i = 0;
    while (i < text.size()) {
      char c = text[i];
      if (c >= '0' && c <= '9') {
        if (digits[part] >= 4) return std::nullopt;
        parts[part] = parts[part] * 10 + (c - '0');
        ++digits[part];
        ++i;
        continue;
      }
      std::string_view rest = text.substr(i);
      size_t width = 0;
      if (c == '-' || c == '/' || c == '.') {
        width = 1;
      } else if (rest.starts_with("年") || rest.starts_with("月")) {
        width = 3;
      } else if (rest.starts_with("日") && part == 2 && rest.size() == 3) {
        i += 3;
        continue;
      } else {
        return std::nullopt;
      }
      if (part == 2 || digits[part] == 0) return std::nullopt;
      ++part;
      i += width;
    }
    if (part != 2 || digits[0] != 4 || digits[1] == 0 || digits[1] > 2 || digits[2] == 0 ||
        digits[2] > 2) {
      return std::nullopt;
    }
    year = parts[0];
    month = parts[1];
    day = parts[2];
  }
  return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
}

policy::Tier TierFromPenaltyCategory(std::string_view category) {
  static constexpr std::string_view kSerious[] = {
      "吊销", "暂扣", "降低资质等级", "责令停产停业", "责令关闭", "限制从业", "拘留"};
  static constexpr std::string_view kGeneral[] = {"罚款", "没收"};
  static constexpr std::string_view kMinor[] = {"警告", "通报批评"};
  static constexpr std::string_view kSeparators[] = {"；", ";", "、", ",", "，"};

  auto contains_any = [](std::string_view text, std::span<const std::string_view> words) {
    for (std::string_view word : words) {
      if (text.find(word) != std::string_view::npos) return true;
    }
    return false;
  };

  policy::Tier most_serious = policy::Tier::kNone;
  size_t pos = 0;
  while (pos <= category.size()) {
    // The next separator, whichever comes first.
    size_t next = category.size();
    size_t width = 0;
    for (std::string_view separator : kSeparators) {
      size_t found = category.find(separator, pos);
      if (found < next) {
        next = found;
        width = separator.size();
      }
    }
    std::string_view item = TrimSpace(category.substr(pos, next - pos));
    policy::Tier tier = policy::Tier::kNone;
    if (contains_any(item, kSerious)) {
      tier = policy::Tier::kSerious;
    } else if (contains_any(item, kGeneral)) {
      tier = policy::Tier::kGeneral;
    } else if (contains_any(item, kMinor)) {
      tier = policy::Tier::kMinor;
    }
    if (tier > most_serious) most_serious = tier;
    if (next >= category.size()) break;
    pos = next + width;
  }
  return most_serious;
}

std::optional<JsonValue> WanYuanToYuan(std::string_view text) {
  text = TrimSpace(text);
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if ((!whole.empty() && !AllDigits(whole)) || (!fraction.empty() && !AllDigits(fraction)) ||
      whole.size() > 12) {
    return std::nullopt;
  }
  if (dot != std::string_view::npos && fraction.empty()) return std::nullopt;
  int64_t yuan = 0;
  for (char c : whole) yuan = yuan * 10 + (c - '0');
  yuan *= 10000;
  if (fraction.size() <= 4) {
    // Up to four decimals of 万元 are whole yuan: exact in integers.
    int64_t scaled = 0;
    for (size_t i = 0; i < 4; ++i) {
      scaled = scaled * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
    return JsonValue(yuan + scaled);
  }
  // Finer than a yuan: keep fen (two decimals of yuan).
  double value = 0;
  std::string joined = std::string(whole.empty() ? "0" : whole) + "." + std::string(fraction);
  std::from_chars(joined.data(), joined.data() + joined.size(), value);
  return JsonValue(std::round(value * 10000 * 100) / 100);
}

void SetPath(JsonValue& object, std::string_view dotted_path, JsonValue value) {
  JsonValue* current = &object;
  while (true) {
    size_t dot = dotted_path.find('.');
    if (dot == std::string_view::npos) {
      current->Set(std::string(dotted_path), std::move(value));
      return;
    }
    std::string_view head = dotted_path.substr(0, dot);
    JsonValue* child = FindMember(*current, head);
    if (child == nullptr || !child->is_object()) {
      current->Set(std::string(head), JsonValue(JsonValue::Object{}));
      child = FindMember(*current, head);
    }
    current = child;
    dotted_path.remove_prefix(dot + 1);
  }
}

}  // namespace credence::ingest::internal
