#include "ingest/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "audit/audit.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"
#include "common/metrics.h"
#include "ids/ids.h"
#include "ingest/layout_internal.h"
#include "policy/policy.h"
#include "store/store.h"
#include "text/text.h"

namespace credence::ingest {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// 2026-11-22 12:00 in Shanghai.
Timestamp Now() { return Timestamp::Parse("2026-11-22T04:00:00Z").value(); }

// Subjects of the tests, all in Lucheng district of Wenzhou (330302).
const std::string& CompanyA() {
  static const std::string code = ids::CompleteUscc("9133030212345678");
  return code;
}
const std::string& CompanyB() {
  static const std::string code = ids::CompleteUscc("9133030288880001");
  return code;
}
const std::string& Institution() {  // organisation type 12: a public institution
  static const std::string code = ids::CompleteUscc("1233030255550001");
  return code;
}
const std::string& Person() {
  static const std::string code = ids::CompleteResidentId("33030219900101123");
  return code;
}
// A real legacy code from an early pilot region: only its check character fails.
constexpr std::string_view kLegacyCode = "91350211M00013FA1N";

fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "credence-ingest-XXXXXX").string();
  const char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  return fs::path(pattern);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// --- feed rows ---

JsonValue Object() { return JsonValue(JsonValue::Object{}); }

JsonValue With(JsonValue row, std::string_view path, JsonValue value) {
  internal::SetPath(row, path, std::move(value));
  return row;
}

JsonValue Without(JsonValue row, std::string_view path) {
  JsonValue* current = &row;
  while (true) {
    size_t dot = path.find('.');
    std::string_view head = path.substr(0, dot);
    auto& members = current->as_object();
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const auto& member) { return member.first == head; });
    if (it == members.end()) return row;
    if (dot == std::string_view::npos) {
      members.erase(it);
      return row;
    }
    current = &it->second;
    path.remove_prefix(dot + 1);
  }
}

JsonValue Penalty(std::string_view ref, std::string_view code,
                  std::string_view name = "温州市某某贸易有限公司") {
  JsonValue row = Object();
  row.Set("source_ref", ref);
  row.Set("action", "upsert");
  row.Set("kind", "admin_penalty");
  JsonValue subject = Object();
  subject.Set("code", code);
  subject.Set("name", name);
  row.Set("subject", std::move(subject));
  row.Set("decided_at", "2024-03-05");
  row.Set("tier", "general");
  row.Set("document_no", fmt::format("温鹿市监罚〔2024〕{}号", ref));
  row.Set("legal_basis", "《中华人民共和国食品安全法》第一百二十四条");
  row.Set("content", "罚款人民币伍万元");
  row.Set("amount_yuan", 50000);
  JsonValue authority = Object();
  authority.Set("name", "温州市鹿城区市场监督管理局");
  authority.Set("code", "113303020000000000");
  row.Set("authority", std::move(authority));
  row.Set("valid_until", "2025-03-05");
  row.Set("extra", Object());
  return row;
}

JsonValue Registration(std::string_view ref, std::string_view code, std::string_view name) {
  JsonValue row = Object();
  row.Set("source_ref", ref);
  row.Set("kind", "registration");
  JsonValue subject = Object();
  subject.Set("code", code);
  subject.Set("name", name);
  row.Set("subject", std::move(subject));
  row.Set("decided_at", "2015-06-01");
  JsonValue authority = Object();
  authority.Set("name", "温州市市场监督管理局");
  row.Set("authority", std::move(authority));
  row.Set("legal_representative", "王五");
  JsonValue extra = Object();
  extra.Set("industry", "F");
  extra.Set("established", "2015-05-20");
  row.Set("extra", std::move(extra));
  return row;
}

JsonValue License(std::string_view ref, std::string_view code, std::string_view name) {
  JsonValue row = Object();
  row.Set("source_ref", ref);
  row.Set("kind", "admin_license");
  JsonValue subject = Object();
  subject.Set("code", code);
  subject.Set("name", name);
  row.Set("subject", std::move(subject));
  row.Set("decided_at", "2024-01-10");
  row.Set("document_no", "温鹿市监许〔2024〕1号");
  row.Set("content", "食品经营许可");
  JsonValue authority = Object();
  authority.Set("name", "温州市鹿城区市场监督管理局");
  row.Set("authority", std::move(authority));
  row.Set("valid_from", "2024-01-10");
  row.Set("valid_until", "2029-01-09");
  return row;
}

JsonValue Withdrawal(std::string_view ref, std::string_view reason) {
  JsonValue row = Object();
  row.Set("source_ref", ref);
  row.Set("action", "withdraw");
  row.Set("reason", reason);
  return row;
}

std::string Lines(std::initializer_list<JsonValue> rows) {
  std::string out;
  for (const JsonValue& row : rows) out += ToJson(row) + "\n";
  return out;
}

// --- a transaction that fails on demand, to show that a failed batch leaves nothing ---

struct FailurePlan {
  int fail_insert_records_call = 0;  // 1-based call of InsertRecords to fail; 0: never
  bool fail_commit = false;
  int insert_records_calls = 0;
};

class FailingTxn final : public store::WriteTxn {
 public:
  FailingTxn(std::unique_ptr<store::WriteTxn> inner, FailurePlan& plan)
      : inner_(std::move(inner)), plan_(plan) {}
  Result<std::vector<std::optional<store::Subject>>> FindSubjects(
      std::span<const std::string> codes) override {
    return inner_->FindSubjects(codes);
  }
  Status InsertSubject(store::Subject& subject) override { return inner_->InsertSubject(subject); }
  Status UpdateSubject(const store::Subject& subject) override {
    return inner_->UpdateSubject(subject);
  }
  Result<std::vector<std::optional<store::RecordHead>>> FindRecordsByRef(
      std::string_view department, std::span<const std::string> source_refs) override {
    return inner_->FindRecordsByRef(department, source_refs);
  }
  Status InsertRecords(std::span<store::Record> records) override {
    if (++plan_.insert_records_calls == plan_.fail_insert_records_call) {
      return Fail(Error::Unavailable("disk full (simulated)"));
    }
    return inner_->InsertRecords(records);
  }
  Status ReviseRecord(const store::Record& record) override { return inner_->ReviseRecord(record); }
  Status InsertBatch(store::Batch& batch) override { return inner_->InsertBatch(batch); }
  Status UpdateBatch(const store::Batch& batch) override { return inner_->UpdateBatch(batch); }
  Status InsertToken(store::Token& token) override { return inner_->InsertToken(token); }
  Status InsertCertificate(store::IssuedCertificate& certificate) override {
    return inner_->InsertCertificate(certificate);
  }
  Status RevokeToken(int64_t id, Timestamp at) override { return inner_->RevokeToken(id, at); }
  Status InsertAccount(store::Account& account) override { return inner_->InsertAccount(account); }
  Status UpdateAccount(const store::Account& account) override {
    return inner_->UpdateAccount(account);
  }
  Status InsertSession(store::Session& session) override { return inner_->InsertSession(session); }
  Status RevokeSession(int64_t id, Timestamp at) override { return inner_->RevokeSession(id, at); }
  Status AppendAccess(store::AccessEntry& entry) override { return inner_->AppendAccess(entry); }
  Result<store::AuditEntry> AuditHead() override { return inner_->AuditHead(); }
  Status AppendAudit(std::span<const store::AuditEntry> entries) override {
    return inner_->AppendAudit(entries);
  }
  Status Commit() override {
    if (plan_.fail_commit) return Fail(Error::Unavailable("the disk went away (simulated)"));
    return inner_->Commit();
  }

 private:
  std::unique_ptr<store::WriteTxn> inner_;
  FailurePlan& plan_;
};

// --- the fixture: a real SQLite store, the default policy, a fixed clock ---

class IngestTest : public ::testing::Test {
 protected:
  IngestTest() : clock_(Now()) {}

  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);  // one line per batch is noise here
    dir_ = MakeTempDir();
    Result<policy::Catalog> catalog = policy::LoadCatalog(fs::path(CREDENCE_SOURCE_DIR) / "policy");
    ASSERT_TRUE(catalog) << catalog.error().ToString();
    catalog_ = std::move(*catalog);
    Result<std::unique_ptr<store::Store>> store =
        store::Store::Open("sqlite:" + (dir_ / "credence.db").string());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    ingestor_ = std::make_unique<Ingestor>(*store_, *catalog_, clock_);
  }

  void TearDown() override {
    ingestor_.reset();
    store_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // A copy of the default policy with accept_checksum_failures turned on.
  policy::Catalog CatalogAcceptingChecksumFailures() {
    fs::path policy_dir = dir_ / "policy";
    fs::copy(fs::path(CREDENCE_SOURCE_DIR) / "policy", policy_dir, fs::copy_options::recursive);
    std::string settings = ReadFile(policy_dir / "settings.toml");
    size_t at = settings.find("accept_checksum_failures = false");
    EXPECT_NE(at, std::string::npos);
    settings.replace(at, std::string_view("accept_checksum_failures = false").size(),
                     "accept_checksum_failures = true");
    WriteFile(policy_dir / "settings.toml", settings);
    Result<policy::Catalog> catalog = policy::LoadCatalog(policy_dir);
    EXPECT_TRUE(catalog) << catalog.error().ToString();
    EXPECT_TRUE(catalog->ingest().accept_checksum_failures);
    return std::move(*catalog);
  }

  static void ExpectReconciles(const BatchReport& report) {
    EXPECT_EQ(report.submitted,
              report.accepted + report.updated + report.unchanged + report.rejected);
    EXPECT_EQ(static_cast<int64_t>(report.errors.size()), report.rejected);
    for (size_t i = 1; i < report.errors.size(); ++i) {
      EXPECT_LT(report.errors[i - 1].line, report.errors[i].line) << "errors in line order";
    }
  }

  Result<BatchReport> Submit(Ingestor& ingestor, std::string_view department, std::string_view data,
                             Format format = Format::kAuto) {
    BatchInput input;
    input.department = std::string(department);
    input.actor = fmt::format("department:{}", department);
    input.source_name = "test";
    input.format = format;
    input.data = data;
    Result<BatchReport> report = ingestor.Submit(input);
    if (report) ExpectReconciles(*report);
    return report;
  }

  Result<BatchReport> Submit(std::string_view department, std::string_view data,
                             Format format = Format::kAuto) {
    return Submit(*ingestor_, department, data, format);
  }

  // Submits a batch that must be accepted as a whole (rows may still be rejected).
  BatchReport MustSubmit(std::string_view department, std::string_view data) {
    Result<BatchReport> report = Submit(department, data);
    EXPECT_TRUE(report) << report.error().ToString();
    return report ? *report : BatchReport{};
  }

  // The one error of a batch with exactly one rejected row.
  static RowError OnlyError(const BatchReport& report) {
    EXPECT_EQ(report.rejected, 1) << BatchReportJson(report);
    return report.errors.empty() ? RowError{} : report.errors.front();
  }

  RowError RejectionOf(std::string_view department, const JsonValue& row) {
    return OnlyError(MustSubmit(department, Lines({row})));
  }

  store::Record RecordOf(std::string_view department, std::string_view ref) {
    Result<std::optional<store::Record>> record = store_->FindRecordByRef(department, ref);
    EXPECT_TRUE(record && record->has_value()) << ref;
    return record && *record ? **record : store::Record{};
  }

  store::Subject SubjectOf(std::string_view code) {
    Result<std::optional<store::Subject>> subject = store_->FindSubjectByCode(code);
    EXPECT_TRUE(subject && subject->has_value()) << code;
    return subject && *subject ? **subject : store::Subject{};
  }

  store::StoreStats Stats() {
    Result<store::StoreStats> stats = store_->Stats();
    EXPECT_TRUE(stats);
    return stats ? *stats : store::StoreStats{};
  }

  fs::path dir_;
  FixedClock clock_;
  std::optional<policy::Catalog> catalog_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Ingestor> ingestor_;
};

// --- happy paths ---

TEST_F(IngestTest, NdjsonWithSeveralKinds) {
  JsonValue commitment = Object();
  commitment.Set("source_ref", "CM-1");
  commitment.Set("kind", "commitment");
  commitment.Set("subject", With(With(Object(), "code", Institution()), "name", "温州市某医院"));
  commitment.Set("decided_at", "2026-11-22");  // today is allowed
  commitment.Set("type", "voluntary");
  commitment.Set("status", "pending");
  JsonValue inspection = Object();
  inspection.Set("source_ref", "IN-1");
  inspection.Set("kind", "inspection_result");
  inspection.Set("subject",
                 With(With(Object(), "code", CompanyA()), "name", "温州市甲贸易有限公司"));
  inspection.Set("decided_at", "2025-04-01");
  inspection.Set("content", "未发现问题");
  inspection.Set("authority", With(Object(), "name", "温州市鹿城区市场监督管理局"));

  std::string data = Lines({Registration("REG-1", CompanyA(), "温州市甲贸易有限公司"),
                            Penalty("PEN-1", CompanyB())}) +
                     "\n   \n" +  // blank lines are not rows
                     Lines({License("LIC-1", Person(), "李四"), inspection, commitment});
  BatchReport report = MustSubmit("market_regulation", data);
  EXPECT_EQ(report.format, "ndjson");
  EXPECT_EQ(report.submitted, 5);
  EXPECT_EQ(report.accepted, 5) << BatchReportJson(report);
  EXPECT_EQ(report.rejected, 0);
  EXPECT_GT(report.batch_id, 0);

  store::Record penalty = RecordOf("market_regulation", "PEN-1");
  EXPECT_EQ(penalty.kind, "admin_penalty");
  EXPECT_EQ(penalty.department, "market_regulation");
  EXPECT_EQ(penalty.tier, "general");
  EXPECT_EQ(penalty.decided_at.ToString(), "2024-03-05");
  EXPECT_EQ(penalty.publicity_start.ToString(), "2024-03-05");
  ASSERT_TRUE(penalty.publicity_min_end && penalty.publicity_max_end);
  EXPECT_EQ(penalty.publicity_min_end->ToString(), "2024-06-05");
  EXPECT_EQ(penalty.publicity_max_end->ToString(), "2025-03-05");
  EXPECT_TRUE(penalty.published);
  EXPECT_EQ(penalty.status, store::RecordStatus::kActive);
  EXPECT_EQ(penalty.version, 1);
  EXPECT_EQ(penalty.batch_id, report.batch_id);
  EXPECT_EQ(penalty.document_no, "温鹿市监罚〔2024〕PEN-1号");
  EXPECT_EQ(penalty.legal_basis, "《中华人民共和国食品安全法》第一百二十四条");
  EXPECT_FALSE(penalty.flagged);
  // The payload is the canonical row without its action.
  EXPECT_EQ(penalty.payload, ToCanonicalJson(Without(Penalty("PEN-1", CompanyB()), "action")));
  EXPECT_EQ(penalty.content_hash, ContentHash64(penalty.payload));

  // A licence without its own legal basis gets the catalog's.
  store::Record license = RecordOf("market_regulation", "LIC-1");
  EXPECT_EQ(license.legal_basis, catalog_->FindKind("admin_license")->legal_basis);
  EXPECT_FALSE(license.publicity_max_end.has_value());

  // Subjects: the registered company, a provisional one, a person, an institution.
  store::Subject company_a = SubjectOf(CompanyA());
  EXPECT_EQ(company_a.status, store::SubjectStatus::kRegistered);
  EXPECT_EQ(company_a.industry, "F");
  EXPECT_EQ(company_a.legal_representative, "王五");
  ASSERT_TRUE(company_a.registered_on);
  EXPECT_EQ(company_a.registered_on->ToString(), "2015-05-20");  // extra.established wins
  store::Subject company_b = SubjectOf(CompanyB());
  EXPECT_EQ(company_b.status, store::SubjectStatus::kProvisional);
  EXPECT_EQ(company_b.kind, ids::SubjectKind::kEnterprise);
  EXPECT_EQ(company_b.code_kind, ids::CodeKind::kUscc);
  EXPECT_EQ(company_b.region, "330302");
  EXPECT_EQ(company_b.name, "温州市某某贸易有限公司");
  EXPECT_EQ(company_b.name_norm, text::NormalizeName("温州市某某贸易有限公司"));
  store::Subject person = SubjectOf(Person());
  EXPECT_EQ(person.kind, ids::SubjectKind::kPerson);
  EXPECT_EQ(person.code_kind, ids::CodeKind::kResidentId);
  EXPECT_EQ(person.region, "330302");
  EXPECT_EQ(SubjectOf(Institution()).kind, ids::SubjectKind::kPublicInstitution);

  std::vector<int64_t> expected_touched = {company_a.id, company_b.id, person.id,
                                           SubjectOf(Institution()).id};
  std::sort(expected_touched.begin(), expected_touched.end());
  EXPECT_EQ(report.touched_subjects, expected_touched);

  // The batch row carries the counts and the very report returned.
  Result<std::optional<store::Batch>> batch = store_->GetBatch(report.batch_id);
  ASSERT_TRUE(batch && *batch);
  EXPECT_EQ((*batch)->department, "market_regulation");
  EXPECT_EQ((*batch)->actor, "department:market_regulation");
  EXPECT_EQ((*batch)->format, "ndjson");
  EXPECT_EQ((*batch)->submitted, 5);
  EXPECT_EQ((*batch)->accepted, 5);
  EXPECT_EQ((*batch)->report_json, BatchReportJson(report));

  // One audit entry per record version and one for the batch, and the chain verifies.
  Result<audit::VerifyReport> verified = audit::Verify(*store_);
  ASSERT_TRUE(verified) << verified.error().ToString();
  EXPECT_TRUE(verified->ok) << verified->message;
  EXPECT_EQ(verified->entries, 6);
  std::vector<std::string> actions;
  ASSERT_TRUE(store_->ScanAudit(1, [&](const store::AuditEntry& entry) -> Status {
    actions.push_back(entry.action + " " + entry.object);
    EXPECT_EQ(entry.actor, "department:market_regulation");
    return OkStatus();
  }));
  ASSERT_EQ(actions.size(), 6u);
  EXPECT_EQ(actions[1], fmt::format("record.insert record:{}@1", penalty.id));
  EXPECT_EQ(actions[5], fmt::format("batch.commit batch:{}", report.batch_id));
}

TEST_F(IngestTest, OtherDepartmentsAndTheirKinds) {
  JsonValue grade = Object();
  grade.Set("source_ref", "TG-2025-1");
  grade.Set("kind", "tax_credit_grade");
  grade.Set("subject", With(With(Object(), "code", CompanyA()), "name", "温州市甲贸易有限公司"));
  grade.Set("decided_at", "2026-04-01");
  grade.Set("grade", "A");
  grade.Set("year", 2025);
  JsonValue grade_b = With(With(grade, "source_ref", "TG-2025-2"), "grade", "B");
  grade_b = With(grade_b, "subject.code", CompanyB());
  EXPECT_EQ(MustSubmit("tax", Lines({grade, grade_b})).accepted, 2);
  // The tax authority publishes A grades only (policy: published_only_values).
  EXPECT_TRUE(RecordOf("tax", "TG-2025-1").published);
  EXPECT_FALSE(RecordOf("tax", "TG-2025-2").published);

  JsonValue debtor = Object();
  debtor.Set("source_ref", "(2019)浙0302执123号");
  debtor.Set("kind", "dishonest_debtor");
  debtor.Set("subject", With(With(Object(), "code", Person()), "name", "李四"));
  debtor.Set("decided_at", "2019-08-01");
  debtor.Set("document_no", "(2019)浙0302执123号");
  debtor.Set("ground", "1");
  debtor.Set("authority", With(Object(), "name", "温州市鹿城区人民法院"));
  BatchReport court = MustSubmit("court", Lines({debtor}));
  EXPECT_EQ(court.accepted, 1) << BatchReportJson(court);
  EXPECT_EQ(RecordOf("court", "(2019)浙0302执123号").kind, "dishonest_debtor");
}

TEST_F(IngestTest, CsvWithFeedFieldNamesEqualsTheNdjsonRow) {
  std::string csv =
      "source_ref,action,kind,subject.code,subject.name,decided_at,tier,document_no,legal_basis,"
      "content,amount_yuan,authority.name,authority.code,valid_until\r\n" +
      fmt::format(
          "PEN-7,upsert,admin_penalty,{},温州市某某贸易有限公司,2024-03-05,general,"
          "温鹿市监罚〔2024〕PEN-7号,《中华人民共和国食品安全法》第一百二十四条,"
          "\"罚款人民币伍万元\",50000,温州市鹿城区市场监督管理局,113303020000000000,"
          "2025-03-05\r\n",
          CompanyB()) +
      fmt::format(
          "PEN-8,,admin_penalty,{},\"温州市某某贸易有限公司\",2024-03-06,minor,X号,"
          "依据,\"第一行,\r\n第二行\",0,机关,,\r\n",
          CompanyB()) +
      "PEN-9,,admin_penalty\r\n";  // too few fields
  BatchReport report = MustSubmit("market_regulation", csv);
  EXPECT_EQ(report.format, "csv");
  EXPECT_EQ(report.accepted, 2) << BatchReportJson(report);
  RowError error = OnlyError(report);
  EXPECT_EQ(error.line, 5);  // the record on line 3 spans lines 3-4
  EXPECT_EQ(error.code, "columns");
  EXPECT_EQ(RecordOf("market_regulation", "PEN-8").decided_at.ToString(), "2024-03-06");
  EXPECT_THAT(RecordOf("market_regulation", "PEN-8").payload, HasSubstr("第一行,\\r\\n第二行"));

  // The same row as NDJSON (no empty extra: the CSV had no extra columns) is the same record.
  JsonValue same = Without(Penalty("PEN-7", CompanyB()), "extra");
  BatchReport again = MustSubmit("market_regulation", Lines({same}));
  EXPECT_EQ(again.unchanged, 1) << BatchReportJson(again);
}

// The national administrative penalty template, as departments export it.
std::string PenaltyTemplate() {
  return "行政相对人名称,行政相对人类别,统一社会信用代码,法定代表人,行政处罚决定书文号,"
         "违法行为类型,违法事实,处罚依据,处罚类别,处罚内容,罚款金额（万元）,"
         "没收违法所得、没收非法财物的金额（万元）,暂扣或吊销证照名称及编号,处罚决定日期,"
         "处罚有效期,公示截止期,处罚机关,处罚机关统一社会信用代码,数据来源单位,"
         "数据来源单位统一社会信用代码,备注\n" +
         fmt::format(
             "温州市某某贸易有限公司,法人及非法人组织,{},张三,温鹿市监罚〔2024〕123号,"
             "食品安全,销售超过保质期的食品,《中华人民共和国食品安全法》第一百二十四条,罚款,"
             "罚款人民币伍万元,5,0,,2024/03/05,2025/03/05,2025/03/05,"
             "温州市鹿城区市场监督管理局,11330302002639383X,温州市鹿城区市场监督管理局,"
             "11330302002639383X,\n",
             CompanyB()) +
         fmt::format(
             "温州市甲贸易有限公司,法人及非法人组织,{},王五,温鹿市监罚〔2024〕124号,价格违法,"
             "未明码标价,《中华人民共和国价格法》第四十二条,警告,警告,,,,20240601,,,"
             "温州市鹿城区市场监督管理局,,温州市鹿城区市场监督管理局,,简易程序\n",
             CompanyA()) +
         fmt::format(
             "温州市某某贸易有限公司,法人及非法人组织,{},张三,温鹿市监罚〔2024〕125号,"
             "无证经营,\"未取得许可从事食品经营，\"\"情节严重\"\"\","
             "《中华人民共和国食品安全法》第一百二十二条,罚款；吊销许可证,"
             "罚款人民币贰拾万元并吊销食品经营许可证,20,1.5,食品经营许可证JY1330302001,"
             "2024-07-01,,,温州市鹿城区市场监督管理局,,温州市鹿城区市场监督管理局,,\n",
             CompanyB());
}

TEST_F(IngestTest, PenaltyTemplateWithChineseHeaders) {
  BatchReport report = MustSubmit("market_regulation", PenaltyTemplate());
  EXPECT_EQ(report.format, "csv_penalty");
  EXPECT_EQ(report.accepted, 3) << BatchReportJson(report);
  EXPECT_TRUE(report.warnings.empty());

  store::Record fine = RecordOf("market_regulation", "温鹿市监罚〔2024〕123号");
  EXPECT_EQ(fine.kind, "admin_penalty");
  EXPECT_EQ(fine.tier, "general");
  EXPECT_EQ(fine.decided_at.ToString(), "2024-03-05");
  EXPECT_EQ(fine.document_no, "温鹿市监罚〔2024〕123号");
  EXPECT_EQ(fine.legal_basis, "《中华人民共和国食品安全法》第一百二十四条");
  EXPECT_TRUE(fine.published);
  JsonValue payload = ParseJson(fine.payload).value();
  EXPECT_EQ(*payload.Find("amount_yuan"), JsonValue(int64_t{50000}));
  EXPECT_EQ(payload.GetString("penalty_category"), "罚款");
  EXPECT_EQ(payload.FindPath("authority.name")->as_string(), "温州市鹿城区市场监督管理局");
  EXPECT_EQ(payload.FindPath("extra.violation_type")->as_string(), "食品安全");
  EXPECT_EQ(payload.GetString("legal_representative"), "张三");

  // Warnings are minor and never published.
  store::Record warning = RecordOf("market_regulation", "温鹿市监罚〔2024〕124号");
  EXPECT_EQ(warning.tier, "minor");
  EXPECT_EQ(warning.decided_at.ToString(), "2024-06-01");
  EXPECT_FALSE(warning.published);

  // A fine with a revoked licence is serious: public for three years.
  store::Record revoked = RecordOf("market_regulation", "温鹿市监罚〔2024〕125号");
  EXPECT_EQ(revoked.tier, "serious");
  ASSERT_TRUE(revoked.publicity_max_end);
  EXPECT_EQ(revoked.publicity_max_end->ToString(), "2027-07-01");
  JsonValue revoked_payload = ParseJson(revoked.payload).value();
  EXPECT_EQ(*revoked_payload.Find("amount_yuan"), JsonValue(int64_t{200000}));
  EXPECT_EQ(*revoked_payload.FindPath("extra.confiscated_yuan"), JsonValue(int64_t{15000}));
  EXPECT_EQ(revoked_payload.FindPath("extra.violation_facts")->as_string(),
            "未取得许可从事食品经营，\"情节严重\"");

  // The subject's provisional record keeps the template's name.
  EXPECT_EQ(SubjectOf(CompanyB()).name, "温州市某某贸易有限公司");
  // Idempotent: the same file again changes nothing.
  EXPECT_EQ(MustSubmit("market_regulation", PenaltyTemplate()).unchanged, 3);
}

TEST_F(IngestTest, PenaltyTemplateRecordNumberAndColumnInMessages) {
  std::string csv =
      "行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚依据,处罚类别,处罚内容,"
      "罚款金额(万元),处罚决定日期,处罚机关,数据来源单位,数据来源单位记录号\n" +
      fmt::format("某公司,{},文号1,依据,罚款,内容,1,2024-02-01,机关,单位,REC-001\n", CompanyB()) +
      fmt::format("某公司,{},文号2,依据,罚款,内容,1,2024-13-01,机关,单位,REC-002\n", CompanyB()) +
      fmt::format("某公司,{},文号3,依据,其他,内容,,2024-02-03,机关,单位,\n", CompanyB());
  BatchReport report = MustSubmit("market_regulation", csv);
  EXPECT_EQ(report.format, "csv_penalty");
  EXPECT_EQ(report.accepted, 1) << BatchReportJson(report);
  ASSERT_EQ(report.errors.size(), 2u);
  EXPECT_EQ(report.errors[0].line, 3);
  EXPECT_EQ(report.errors[0].field, "decided_at");
  EXPECT_EQ(report.errors[0].code, "date");
  EXPECT_THAT(report.errors[0].message, HasSubstr("处罚决定日期"));
  // 其他 names no tier, and the row has none.
  EXPECT_EQ(report.errors[1].line, 4);
  EXPECT_EQ(report.errors[1].code, "tier");
  EXPECT_EQ(RecordOf("market_regulation", "REC-001").document_no, "文号1");
}

std::string LicenseTemplate() {
  return "行政相对人名称,行政相对人类别,统一社会信用代码,法定代表人,行政许可决定文书名称,"
         "行政许可决定文书号,许可类别,许可证书名称,许可编号,许可内容,许可决定日期,有效期自,"
         "有效期至,许可机关,许可机关统一社会信用代码,当前状态,数据来源单位,"
         "数据来源单位统一社会信用代码,备注\n" +
         fmt::format(
             "温州市甲贸易有限公司,法人及非法人组织,{},王五,食品经营许可决定书,"
             "温鹿市监许〔2024〕88号,普通,食品经营许可证,JY13303020012345,"
             "预包装食品销售（含冷藏冷冻食品）,2024/01/10,2024/01/10,2029/01/09,"
             "温州市鹿城区市场监督管理局,11330302002639383X,有效,"
             "温州市鹿城区市场监督管理局,11330302002639383X,\n",
             CompanyA()) +
         fmt::format(
             "温州市某某贸易有限公司,法人及非法人组织,{},张三,准予设立登记通知书,"
             "温鹿市监许〔2024〕89号,登记,营业执照,,设立登记,20240301,20240301,长期,"
             "温州市鹿城区市场监督管理局,,有效,温州市鹿城区市场监督管理局,,\n",
             CompanyB());
}

TEST_F(IngestTest, LicenseTemplateWithChineseHeaders) {
  BatchReport report = MustSubmit("market_regulation", LicenseTemplate());
  EXPECT_EQ(report.format, "csv_license");
  EXPECT_EQ(report.accepted, 2) << BatchReportJson(report);
  store::Record license = RecordOf("market_regulation", "温鹿市监许〔2024〕88号");
  EXPECT_EQ(license.kind, "admin_license");
  EXPECT_EQ(license.decided_at.ToString(), "2024-01-10");
  EXPECT_EQ(license.document_no, "温鹿市监许〔2024〕88号");
  JsonValue payload = ParseJson(license.payload).value();
  EXPECT_EQ(payload.GetString("valid_until"), "2029-01-09");
  EXPECT_EQ(payload.GetString("content"), "预包装食品销售（含冷藏冷冻食品）");
  EXPECT_EQ(payload.FindPath("extra.licence_no")->as_string(), "JY13303020012345");
  // "长期" (no end) is kept as text, not as a date.
  JsonValue open_ended =
      ParseJson(RecordOf("market_regulation", "温鹿市监许〔2024〕89号").payload).value();
  EXPECT_EQ(open_ended.Find("valid_until"), nullptr);
  EXPECT_EQ(open_ended.FindPath("extra.valid_until_text")->as_string(), "长期");
}

TEST_F(IngestTest, Gb18030TemplateIsConverted) {
  fs::path utf8 = dir_ / "penalty-utf8.csv";
  fs::path gbk = dir_ / "penalty-gb18030.csv";
  WriteFile(utf8, PenaltyTemplate());
  std::string command =
      fmt::format("iconv -f UTF-8 -t GB18030 '{}' > '{}'", utf8.string(), gbk.string());
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::string bytes = ReadFile(gbk);
  ASSERT_FALSE(text::IsValidUtf8(bytes));

  BatchReport report = MustSubmit("market_regulation", bytes);
  EXPECT_EQ(report.format, "csv_penalty");
  EXPECT_EQ(report.accepted, 3) << BatchReportJson(report);
  EXPECT_THAT(report.warnings, ElementsAre("input was GB18030 (GBK); converted to UTF-8"));
  EXPECT_EQ(SubjectOf(CompanyB()).name, "温州市某某贸易有限公司");
  EXPECT_EQ(RecordOf("market_regulation", "温鹿市监罚〔2024〕125号").tier, "serious");
}

TEST_F(IngestTest, ByteOrderMarkIsStripped) {
  BatchReport report = MustSubmit("market_regulation", "\xEF\xBB\xBF" + PenaltyTemplate());
  EXPECT_EQ(report.format, "csv_penalty");
  EXPECT_EQ(report.accepted, 3);
}

// --- batch-level refusals: nothing is applied ---

TEST_F(IngestTest, UnreadableEncodingIsRefused) {
  Result<BatchReport> report = Submit("market_regulation", "source_ref,kind\nR1,\xFF\xFF\n");
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().reason(), "encoding");
  EXPECT_THAT(report.error().message(), HasSubstr("offset 19"));
  EXPECT_EQ(Stats().batches, 0);
}

TEST_F(IngestTest, EmptyInputIsRefused) {
  for (std::string_view data :
       {std::string_view(""), std::string_view("\n \r\n"), std::string_view("\xEF\xBB\xBF")}) {
    Result<BatchReport> report = Submit("market_regulation", data);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().reason(), "empty");
  }
  EXPECT_EQ(Stats().batches, 0);
}

TEST_F(IngestTest, UnknownDepartmentAndUnknownCsvHeaderAreRefused) {
  Result<BatchReport> department = Submit("weather_bureau", Lines({Penalty("P", CompanyB())}));
  ASSERT_FALSE(department);
  EXPECT_EQ(department.error().reason(), "unknown_department");
  Result<BatchReport> header = Submit("market_regulation", "名称,代码\n某公司,123\n");
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().reason(), "csv_header");
  EXPECT_EQ(Stats().batches, 0);
}

TEST_F(IngestTest, StoreFailureMidBatchAppliesNothing) {
  FailurePlan plan;
  plan.fail_insert_records_call = 2;
  Ingestor ingestor(*store_, *catalog_, clock_);
  ingestor.WrapTransactionsForTesting([&plan](std::unique_ptr<store::WriteTxn> txn) {
    return std::unique_ptr<store::WriteTxn>(std::make_unique<FailingTxn>(std::move(txn), plan));
  });
  ingestor.SetTuning({.threads = 1, .chunk_rows = 2});  // several chunks, the second one fails
  std::string data =
      Lines({Penalty("P1", CompanyA()), Penalty("P2", CompanyA()), Penalty("P3", CompanyB()),
             Penalty("P4", CompanyB()), Penalty("P5", Person())});
  Result<BatchReport> report = Submit(ingestor, "market_regulation", data);
  ASSERT_FALSE(report);
  EXPECT_EQ(plan.insert_records_calls, 2);
  store::StoreStats stats = Stats();
  EXPECT_EQ(stats.subjects, 0);
  EXPECT_EQ(stats.records, 0);
  EXPECT_EQ(stats.batches, 0);
  EXPECT_EQ(stats.audit_entries, 0);

  // A failed commit leaves nothing either; then the same batch goes through whole.
  plan = FailurePlan{.fail_commit = true};
  ASSERT_FALSE(Submit(ingestor, "market_regulation", data));
  EXPECT_EQ(Stats().records, 0);
  plan = FailurePlan{};
  Result<BatchReport> retried = Submit(ingestor, "market_regulation", data);
  ASSERT_TRUE(retried) << retried.error().ToString();
  EXPECT_EQ(retried->accepted, 5);
  EXPECT_EQ(Stats().records, 5);
  // A transaction that cannot read records (this wrapper does not forward GetRecord) still
  // withdraws: the committed version is read instead.
  Result<BatchReport> withdrawn =
      Submit(ingestor, "market_regulation", Lines({Withdrawal("P3", "录入错误")}));
  ASSERT_TRUE(withdrawn) << withdrawn.error().ToString();
  EXPECT_EQ(withdrawn->updated, 1);
  EXPECT_EQ(RecordOf("market_regulation", "P3").status, store::RecordStatus::kWithdrawn);
  Result<audit::VerifyReport> verified = audit::Verify(*store_);
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->ok) << verified->message;
}

// --- rejected rows ---

TEST_F(IngestTest, MalformedAndNonObjectJsonLines) {
  std::string data = ToJson(Penalty("P1", CompanyB())) + "\n" +
                     "{\"source_ref\": \"P2\", \"kind\": \n" +  // cut off
                     "[1, 2]\n" + "\"just a string\"\n" + ToJson(Penalty("P5", CompanyB())) + "\n";
  BatchReport report = MustSubmit("market_regulation", data);
  EXPECT_EQ(report.submitted, 5);
  EXPECT_EQ(report.accepted, 2);
  ASSERT_EQ(report.rejected, 3);
  EXPECT_EQ(report.errors[0].line, 2);
  EXPECT_EQ(report.errors[0].code, "json");
  EXPECT_EQ(report.errors[0].field, "");
  EXPECT_EQ(report.errors[1].line, 3);
  EXPECT_EQ(report.errors[1].code, "json");
  EXPECT_THAT(report.errors[1].message, HasSubstr("an array"));
  EXPECT_EQ(report.errors[2].line, 4);
  EXPECT_EQ(report.errors[2].code, "json");
}

TEST_F(IngestTest, HostileRowsAreRefusedOneByOne) {
  // A broken first line still makes the feed NDJSON, reported line by line.
  std::string data =
      std::string(3000, '[') + std::string(3000, ']') + "\n" +
      ToJson(With(Penalty("H-1", CompanyB()), "subject.name", std::string(3 * 300, 'x'))) + "\n" +
      ToJson(With(Penalty("H-2", CompanyB()), "subject.code", 12345)) + "\n" +
      std::string("\x01\x02\x03", 3) + "\n" + ToJson(Penalty("H-3", CompanyB())) + "\n";
  BatchReport report = MustSubmit("market_regulation", data);
  EXPECT_EQ(report.format, "ndjson");
  EXPECT_EQ(report.submitted, 5);
  EXPECT_EQ(report.accepted, 1);
  ASSERT_EQ(report.errors.size(), 4u);
  EXPECT_EQ(report.errors[0].code, "json");
  EXPECT_EQ(report.errors[1].code, "too_long");
  EXPECT_EQ(report.errors[2].code, "type");
  EXPECT_EQ(report.errors[3].code, "json");
}

TEST_F(IngestTest, UnknownKindAndKindNotAllowedForTheDepartment) {
  RowError unknown =
      RejectionOf("market_regulation", With(Penalty("P1", CompanyB()), "kind", "parking_ticket"));
  EXPECT_EQ(unknown.field, "kind");
  EXPECT_EQ(unknown.code, "unknown_kind");

  RowError not_allowed =
      RejectionOf("market_regulation", With(Penalty("P2", CompanyB()), "kind", "dishonest_debtor"));
  EXPECT_EQ(not_allowed.field, "kind");
  EXPECT_EQ(not_allowed.code, "not_allowed");
  EXPECT_THAT(not_allowed.message, HasSubstr("market_regulation"));
  EXPECT_THAT(not_allowed.message, HasSubstr("dishonest_debtor"));
}

struct CodeCase {
  std::string code;
  std::string expected;
};

TEST_F(IngestTest, EachIdentifierFailureIsReported) {
  std::string wrong_check = CompanyB();
  wrong_check[17] = wrong_check[17] == '0' ? '1' : '0';
  std::string wrong_org = CompanyB();
  wrong_org[16] = wrong_org[16] == '1' ? '2' : '1';
  std::vector<CodeCase> cases = {
      {"12345", "length"},
      {"A1110000600037341L", "format"},
      {wrong_check, "checksum"},
      {wrong_org, "org_code"},
      {ids::CompleteUscc("91990302MA2CXY81"), "division"},
      {"360426199113010079", "date"},
      {ids::CompleteResidentId("33030220300101123"), "date"},  // born after today
      {"990426199112010074", "region"},
  };
  int n = 0;
  for (const CodeCase& c : cases) {
    RowError error = RejectionOf("market_regulation", Penalty(fmt::format("ID-{}", ++n), c.code));
    EXPECT_EQ(error.field, "subject.code") << c.code;
    EXPECT_EQ(error.code, c.expected) << c.code << ": " << error.message;
    EXPECT_FALSE(error.message.empty());
  }
  EXPECT_EQ(Stats().records, 0);
}

TEST_F(IngestTest, ChecksumOnlyFailureRejectedByDefault) {
  RowError error = RejectionOf("market_regulation", Penalty("LEGACY-1", kLegacyCode));
  EXPECT_EQ(error.code, "checksum");
  EXPECT_EQ(error.field, "subject.code");
}

TEST_F(IngestTest, ChecksumOnlyFailureAcceptedFlaggedWhenThePolicySaysSo) {
  policy::Catalog accepting = CatalogAcceptingChecksumFailures();
  Ingestor ingestor(*store_, accepting, clock_);
  std::string wrong_org = CompanyB();
  wrong_org[16] = wrong_org[16] == '1' ? '2' : '1';
  Result<BatchReport> report = Submit(
      ingestor, "market_regulation",
      Lines({Penalty("LEGACY-1", kLegacyCode, "厦门某某有限公司"), Penalty("ORG-1", wrong_org)}));
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->accepted, 1);
  EXPECT_EQ(report->flagged, 1);
  // Only a failing check character is forgiven, not a broken organisation code.
  EXPECT_EQ(OnlyError(*report).code, "org_code");
  store::Record record = RecordOf("market_regulation", "LEGACY-1");
  EXPECT_TRUE(record.flagged);
  store::Subject subject = SubjectOf(kLegacyCode);
  EXPECT_TRUE(subject.code_flagged);
  EXPECT_EQ(subject.region, "350211");
  EXPECT_THAT(BatchReportJson(*report), HasSubstr("\"flagged\":1"));
}

TEST_F(IngestTest, SubjectKindMustFitTheCodeAndTheRecordKind) {
  RowError person_as_company = RejectionOf(
      "market_regulation", With(Penalty("SK-1", Person(), "李四"), "subject.kind", "enterprise"));
  EXPECT_EQ(person_as_company.field, "subject.kind");
  EXPECT_EQ(person_as_company.code, "subject_kind");

  RowError unknown =
      RejectionOf("market_regulation", With(Penalty("SK-2", CompanyB()), "subject.kind", "robot"));
  EXPECT_EQ(unknown.code, "subject_kind");

  JsonValue abnormal = Penalty("SK-3", Person(), "李四");
  abnormal.Set("kind", "abnormal_operation");
  abnormal.Set("ground", "未按规定报送年度报告");
  RowError wrong_subject = RejectionOf("market_regulation", abnormal);
  EXPECT_EQ(wrong_subject.code, "subject_kind");
  EXPECT_THAT(wrong_subject.message, HasSubstr("person"));

  // A matching explicit kind is fine.
  EXPECT_EQ(MustSubmit("market_regulation",
                       Lines({With(Penalty("SK-4", CompanyB()), "subject.kind", "enterprise")}))
                .accepted,
            1);
}

TEST_F(IngestTest, DatesMustBeRealNotFutureNotTooOld) {
  RowError impossible =
      RejectionOf("market_regulation", With(Penalty("D1", CompanyB()), "decided_at", "2023-02-29"));
  EXPECT_EQ(impossible.field, "decided_at");
  EXPECT_EQ(impossible.code, "date");
  RowError slashes =
      RejectionOf("market_regulation", With(Penalty("D2", CompanyB()), "decided_at", "2024/03/05"));
  EXPECT_EQ(slashes.code, "date");
  RowError tomorrow =
      RejectionOf("market_regulation", With(Penalty("D3", CompanyB()), "decided_at", "2026-11-23"));
  EXPECT_EQ(tomorrow.code, "future_date");
  RowError old =
      RejectionOf("market_regulation", With(Penalty("D4", CompanyB()), "decided_at", "1948-12-31"));
  EXPECT_EQ(old.code, "too_old");
  RowError order = RejectionOf("market_regulation",
                               With(Penalty("D5", CompanyB()), "valid_until", "2024-03-04"));
  EXPECT_EQ(order.field, "valid_until");
  EXPECT_EQ(order.code, "date_order");
  RowError bad_until = RejectionOf("market_regulation",
                                   With(Penalty("D6", CompanyB()), "valid_until", "2025-02-30"));
  EXPECT_EQ(bad_until.code, "date");

  // Today (in Shanghai) and 1949 are fine.
  BatchReport fine = MustSubmit(
      "market_regulation",
      Lines({With(Without(Penalty("D7", CompanyB()), "valid_until"), "decided_at", "2026-11-22"),
             With(Without(Penalty("D8", CompanyB()), "valid_until"), "decided_at", "1949-10-01")}));
  EXPECT_EQ(fine.accepted, 2) << BatchReportJson(fine);
}

TEST_F(IngestTest, RequiredFieldsAndFieldRules) {
  struct Case {
    JsonValue row;
    std::string field;
    std::string code;
  };
  std::vector<Case> cases;
  cases.push_back({Without(Penalty("R1", CompanyB()), "document_no"), "document_no", "required"});
  cases.push_back({With(Penalty("R2", CompanyB()), "content", "  "), "content", "required"});
  cases.push_back({Without(Penalty("R3", CompanyB()), "subject.name"), "subject.name", "required"});
  cases.push_back({Without(Penalty("R4", CompanyB()), "subject.code"), "subject.code", "required"});
  cases.push_back({Without(Penalty("R5", CompanyB()), "decided_at"), "decided_at", "required"});
  cases.push_back({Without(Penalty("R6", CompanyB()), "tier"), "tier", "tier"});
  cases.push_back({With(Penalty("R7", CompanyB()), "tier", "severe"), "tier", "tier"});
  cases.push_back({Without(Penalty("R8", CompanyB()), "kind"), "kind", "required"});
  cases.push_back({With(Penalty("R9", CompanyB()), "amount_yuan", -5), "amount_yuan", "amount"});
  cases.push_back(
      {With(Penalty("R10", CompanyB()), "amount_yuan", "5万"), "amount_yuan", "amount"});
  cases.push_back({With(Penalty("R11", CompanyB()), "action", "delete"), "action", "action"});
  cases.push_back({With(Penalty("R12", CompanyB()), "subject.name", std::string(201, 'x')),
                   "subject.name", "too_long"});
  cases.push_back({With(Penalty("R13", CompanyB()), "subject", "某公司"), "subject", "type"});
  cases.push_back({With(Penalty("R14", CompanyB()), "document_no", 42), "document_no", "type"});
  cases.push_back({Without(Penalty("R15", CompanyB()), "source_ref"), "source_ref", "required"});
  cases.push_back({With(Penalty("R16", CompanyB()), "source_ref", std::string(129, 'r')),
                   "source_ref", "too_long"});
  cases.push_back(
      {With(Penalty("R17", CompanyB()), "source_ref", "R17\tx"), "source_ref", "format"});

  JsonValue grade = Object();
  grade.Set("source_ref", "G1");
  grade.Set("kind", "tax_credit_grade");
  grade.Set("subject", With(With(Object(), "code", CompanyA()), "name", "温州市甲贸易有限公司"));
  grade.Set("decided_at", "2026-04-01");
  grade.Set("grade", "A");
  grade.Set("year", 2025);
  std::vector<Case> tax_cases;
  tax_cases.push_back({With(grade, "grade", "E"), "grade", "grade"});
  tax_cases.push_back({With(With(grade, "source_ref", "G2"), "year", 2027), "year", "year"});
  tax_cases.push_back({With(With(grade, "source_ref", "G3"), "year", "25"), "year", "year"});
  tax_cases.push_back({Without(With(grade, "source_ref", "G4"), "year"), "year", "required"});

  JsonValue commitment = Object();
  commitment.Set("source_ref", "C1");
  commitment.Set("kind", "commitment");
  commitment.Set("subject",
                 With(With(Object(), "code", CompanyA()), "name", "温州市甲贸易有限公司"));
  commitment.Set("decided_at", "2026-01-01");
  commitment.Set("type", "approval");
  commitment.Set("status", "kept");
  cases.push_back({With(commitment, "type", "promise"), "type", "commitment_type"});
  cases.push_back({With(With(commitment, "source_ref", "C2"), "status", "done"), "status",
                   "commitment_status"});

  auto check = [&](std::string_view department, const std::vector<Case>& list) {
    std::string data;
    for (const Case& c : list) data += ToJson(c.row) + "\n";
    BatchReport report = MustSubmit(department, data);
    EXPECT_EQ(report.accepted, 0);
    ASSERT_EQ(report.errors.size(), list.size()) << BatchReportJson(report);
    for (size_t i = 0; i < list.size(); ++i) {
      EXPECT_EQ(report.errors[i].line, static_cast<int64_t>(i + 1));
      EXPECT_EQ(report.errors[i].field, list[i].field) << report.errors[i].message;
      EXPECT_EQ(report.errors[i].code, list[i].code) << report.errors[i].message;
    }
  };
  check("market_regulation", cases);
  check("tax", tax_cases);
  EXPECT_EQ(MustSubmit("tax", Lines({grade})).accepted, 1);
  EXPECT_EQ(MustSubmit("market_regulation", Lines({commitment})).accepted, 1);
}

TEST_F(IngestTest, DuplicateSourceRefInOneBatch) {
  BatchReport report = MustSubmit(
      "market_regulation",
      Lines({Penalty("DUP", CompanyB()), Penalty("OTHER", CompanyB()),
             With(Penalty("DUP", CompanyA()), "content", "改"), Penalty("DUP", CompanyB())}));
  EXPECT_EQ(report.accepted, 2);
  ASSERT_EQ(report.rejected, 2);
  EXPECT_EQ(report.errors[0].line, 3);
  EXPECT_EQ(report.errors[0].field, "source_ref");
  EXPECT_EQ(report.errors[0].code, "duplicate");
  EXPECT_THAT(report.errors[0].message, HasSubstr("line 1"));
  EXPECT_EQ(report.errors[1].line, 4);
  EXPECT_EQ(RecordOf("market_regulation", "DUP").subject_id, SubjectOf(CompanyB()).id);
}

// --- idempotency, versions, withdrawals ---

TEST_F(IngestTest, SameBatchTwiceChangedRowsAndWithdrawals) {
  std::string batch = Lines({Penalty("P1", CompanyB()), Penalty("P2", CompanyB()),
                             License("L1", CompanyA(), "温州市甲贸易有限公司")});
  BatchReport first = MustSubmit("market_regulation", batch);
  EXPECT_EQ(first.accepted, 3);
  BatchReport second = MustSubmit("market_regulation", batch);
  EXPECT_EQ(second.unchanged, 3) << BatchReportJson(second);
  EXPECT_EQ(second.accepted + second.updated, 0);
  EXPECT_TRUE(second.touched_subjects.empty());

  // A corrected row is a new version; the old one stays in the history.
  BatchReport changed = MustSubmit(
      "market_regulation",
      Lines({With(Penalty("P1", CompanyB()), "amount_yuan", 60000), Penalty("P2", CompanyB())}));
  EXPECT_EQ(changed.updated, 1);
  EXPECT_EQ(changed.unchanged, 1);
  EXPECT_THAT(changed.touched_subjects, ElementsAre(SubjectOf(CompanyB()).id));
  store::Record p1 = RecordOf("market_regulation", "P1");
  EXPECT_EQ(p1.version, 2);
  EXPECT_EQ(p1.batch_id, changed.batch_id);
  EXPECT_THAT(p1.payload, HasSubstr("60000"));
  Result<std::vector<store::Record>> versions = store_->ListRecordVersions(p1.id);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_THAT((*versions)[0].payload, HasSubstr("50000"));

  // A withdrawal marks the record withdrawn; again, it is unchanged; an unknown ref is an error.
  BatchReport withdrawn = MustSubmit(
      "market_regulation", Lines({Withdrawal("P2", "录入错误"), Withdrawal("NOPE", "x")}));
  EXPECT_EQ(withdrawn.updated, 1);
  RowError not_found = OnlyError(withdrawn);
  EXPECT_EQ(not_found.line, 2);
  EXPECT_EQ(not_found.code, "not_found");
  store::Record p2 = RecordOf("market_regulation", "P2");
  EXPECT_EQ(p2.status, store::RecordStatus::kWithdrawn);
  EXPECT_EQ(p2.status_reason, "录入错误");
  EXPECT_EQ(p2.version, 2);
  EXPECT_EQ(p2.payload, ToCanonicalJson(Without(Penalty("P2", CompanyB()), "action")));
  BatchReport again = MustSubmit("market_regulation", Lines({Withdrawal("P2", "录入错误")}));
  EXPECT_EQ(again.unchanged, 1);

  // Submitting a withdrawn record again puts it back in force.
  BatchReport restored = MustSubmit("market_regulation", Lines({Penalty("P2", CompanyB())}));
  EXPECT_EQ(restored.updated, 1);
  EXPECT_EQ(RecordOf("market_regulation", "P2").status, store::RecordStatus::kActive);
  EXPECT_EQ(RecordOf("market_regulation", "P2").version, 3);

  // Source references are per department: another department's P1 is another record.
  JsonValue tax_penalty = Penalty("P1", CompanyB());
  EXPECT_EQ(MustSubmit("tax", Lines({tax_penalty})).accepted, 1);

  Result<audit::VerifyReport> verified = audit::Verify(*store_);
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->ok) << verified->message;
  // 3 inserts + 1 revision + 1 withdrawal + 1 reinstatement + 1 insert, and 7 batches.
  EXPECT_EQ(verified->entries, 7 + 7);
}

TEST_F(IngestTest, RegistrationConfirmsAndUpdatesItsSubject) {
  MustSubmit("market_regulation", Lines({Penalty("P1", CompanyA(), "甲公司（旧名）")}));
  store::Subject provisional = SubjectOf(CompanyA());
  EXPECT_EQ(provisional.status, store::SubjectStatus::kProvisional);
  EXPECT_EQ(provisional.name, "甲公司（旧名）");
  EXPECT_TRUE(provisional.industry.empty());

  BatchReport registered = MustSubmit(
      "market_regulation", Lines({Registration("REG-A", CompanyA(), "温州市甲贸易有限公司")}));
  EXPECT_EQ(registered.accepted, 1);
  EXPECT_THAT(registered.touched_subjects, ElementsAre(provisional.id));
  store::Subject subject = SubjectOf(CompanyA());
  EXPECT_EQ(subject.id, provisional.id);
  EXPECT_EQ(subject.status, store::SubjectStatus::kRegistered);
  EXPECT_EQ(subject.name, "温州市甲贸易有限公司");
  EXPECT_EQ(subject.name_norm, text::NormalizeName("温州市甲贸易有限公司"));
  EXPECT_EQ(subject.industry, "F");
  EXPECT_EQ(subject.legal_representative, "王五");
  ASSERT_TRUE(subject.registered_on);
  EXPECT_EQ(subject.registered_on->ToString(), "2015-05-20");

  // A later registration record saying 注销 (deregistered) changes the status.
  JsonValue cancelled = Registration("REG-A", CompanyA(), "温州市甲贸易有限公司");
  cancelled = With(cancelled, "extra.status", "注销");
  EXPECT_EQ(MustSubmit("market_regulation", Lines({cancelled})).updated, 1);
  EXPECT_EQ(SubjectOf(CompanyA()).status, store::SubjectStatus::kDeregistered);

  // extra never rejects a row: an unreadable founding date falls back to the decision date.
  JsonValue unclear =
      With(Registration("REG-B", CompanyB(), "温州市乙有限公司"), "extra.established", "不详");
  EXPECT_EQ(MustSubmit("market_regulation", Lines({unclear})).accepted, 1);
  ASSERT_TRUE(SubjectOf(CompanyB()).registered_on);
  EXPECT_EQ(SubjectOf(CompanyB()).registered_on->ToString(), "2015-06-01");

  // Records of other kinds never rename a subject.
  MustSubmit("market_regulation", Lines({Penalty("P2", CompanyA(), "别的名字")}));
  EXPECT_EQ(SubjectOf(CompanyA()).name, "温州市甲贸易有限公司");
}

// --- processing ---

TEST_F(IngestTest, ChunkedParallelProcessingGivesTheSameResult) {
  // 1,500 rows with errors, duplicates across chunks and several subjects.
  std::string data;
  for (int i = 0; i < 1500; ++i) {
    const std::string& code = i % 3 == 0 ? CompanyA() : i % 3 == 1 ? CompanyB() : Person();
    JsonValue row = Penalty(fmt::format("P{}", i % 1400), code);
    if (i % 97 == 0) row = With(row, "decided_at", "2030-01-01");
    if (i % 101 == 0) row = Without(row, "document_no");
    data += ToJson(row) + "\n";
    if (i % 250 == 0) data += "\n";
  }
  Result<BatchReport> serial = Submit("market_regulation", data);
  ASSERT_TRUE(serial) << serial.error().ToString();

  // A second store, processed in chunks of 600 rows on two threads.
  fs::path other_dir = dir_ / "other";
  fs::create_directories(other_dir);
  auto other = store::Store::Open("sqlite:" + (other_dir / "credence.db").string());
  ASSERT_TRUE(other);
  Ingestor parallel(**other, *catalog_, clock_);
  parallel.SetTuning({.threads = 2, .chunk_rows = 600});
  int progress_calls = 0;
  BatchInput input{"market_regulation", "test", "test", Format::kAuto, data};
  Result<BatchReport> chunked =
      parallel.Submit(input, [&](int64_t rows, int64_t bytes_done, int64_t bytes_total) {
        ++progress_calls;
        EXPECT_LE(bytes_done, bytes_total);
      });
  ASSERT_TRUE(chunked) << chunked.error().ToString();
  ExpectReconciles(*chunked);
  EXPECT_EQ(progress_calls, 3);

  EXPECT_EQ(serial->submitted, 1500);
  // Rows 1400-1499 repeat P0-P99; below 1400, 15 rows have a future date (i % 97 == 0) and 14
  // lack document_no (i % 101 == 0), row 0 both.
  EXPECT_EQ(serial->rejected, 100 + 15 + 14 - 1);
  EXPECT_EQ(chunked->submitted, serial->submitted);
  EXPECT_EQ(chunked->accepted, serial->accepted);
  EXPECT_EQ(chunked->rejected, serial->rejected);
  ASSERT_EQ(chunked->errors.size(), serial->errors.size());
  for (size_t i = 0; i < serial->errors.size(); ++i) {
    EXPECT_EQ(chunked->errors[i].line, serial->errors[i].line);
    EXPECT_EQ(chunked->errors[i].code, serial->errors[i].code);
    EXPECT_EQ(chunked->errors[i].message, serial->errors[i].message);
  }
  Result<audit::VerifyReport> verified = audit::Verify(**other);
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->ok);
  EXPECT_EQ(verified->entries, chunked->accepted + 1);
}

TEST_F(IngestTest, MetricsAndObservers) {
  MetricsRegistry metrics;
  ingestor_->SetMetrics(&metrics);
  std::vector<int64_t> committed;
  ingestor_->OnCommitted([&](const BatchReport& report) { committed.push_back(report.batch_id); });
  BatchReport report = MustSubmit(
      "market_regulation",
      Lines({Penalty("P1", CompanyB()), Penalty("P2", CompanyB()), Penalty("P3", "12345")}));
  MustSubmit("market_regulation", Lines({Penalty("P1", CompanyB())}));
  EXPECT_THAT(committed, ElementsAre(report.batch_id, report.batch_id + 1));
  std::string text = metrics.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("ingest_rows_total{outcome=\"accepted\"} 2"));
  EXPECT_THAT(text, HasSubstr("ingest_rows_total{outcome=\"rejected\"} 1"));
  EXPECT_THAT(text, HasSubstr("ingest_rows_total{outcome=\"unchanged\"} 1"));
  EXPECT_THAT(text, HasSubstr("ingest_batches_total 2"));

  // A refused batch is not a committed one.
  ASSERT_FALSE(Submit("market_regulation", ""));
  EXPECT_EQ(committed.size(), 2u);
}

}  // namespace
}  // namespace credence::ingest
