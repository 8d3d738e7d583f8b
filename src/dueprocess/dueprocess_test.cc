#include "dueprocess/dueprocess.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "files/files.h"
#include "ids/ids.h"

namespace credence::dueprocess {
namespace {

namespace fs = std::filesystem;

const policy::Catalog& DefaultCatalog() {
  static const policy::Catalog* catalog = [] {
    Result<policy::Catalog> loaded = policy::LoadCatalog(fs::path(CREDENCE_SOURCE_DIR) / "policy");
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new policy::Catalog(std::move(*loaded));
  }();
  return *catalog;
}

const std::string& CompanyA() {
  static const std::string code = ids::CompleteUscc("9133030212345678");
  return code;
}
const std::string& CompanyB() {
  static const std::string code = ids::CompleteUscc("9133030288880001");
  return code;
}

// 10:00 in Shanghai on the day.
Timestamp At(const char* day) {
  return Timestamp::FromMicros(Timestamp::StartOfDayShanghai(*Date::Parse(day)).micros() +
                               10LL * 3600 * 1000000);
}
Date D(const char* day) { return *Date::Parse(day); }

constexpr std::string_view kPdf = "%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";

auth::Principal SubjectCaller(const std::string& code) {
  auth::Principal principal;
  principal.role = auth::Role::kSubject;
  principal.token_id = 9;
  principal.subject_code = code;
  return principal;
}
auth::Principal DepartmentCaller(std::string department) {
  auth::Principal principal;
  principal.role = auth::Role::kDepartment;
  principal.token_id = 3;
  principal.department = std::move(department);
  return principal;
}
auth::Principal OperatorCaller() {
  auth::Principal principal;
  principal.role = auth::Role::kOperator;
  principal.token_id = 1;
  return principal;
}

CaseFilter OfKind(std::string kind) {
  CaseFilter filter;
  filter.kind = std::move(kind);
  return filter;
}

class DueProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           fmt::format("credence_dueprocess_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto opened = store::Store::Open("sqlite:" + (dir_ / "credence.db").string());
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    auto calendar = calendar::WorkingCalendar::Load(DefaultCatalog());
    ASSERT_TRUE(calendar) << calendar.error().ToString();
    calendar_ = std::move(*calendar);
    auto settings = Settings::Load(DefaultCatalog());
    ASSERT_TRUE(settings) << settings.error().ToString();
    settings_ = *settings;
    ingestor_ = std::make_unique<ingest::Ingestor>(*store_, DefaultCatalog(), clock_);
    due_ = std::make_unique<DueProcess>(*store_, DefaultCatalog(), calendar_, settings_, *ingestor_,
                                        clock_, dir_ / "attachments");
    due_->OnFileChanged([this](int64_t subject_id) { changed_.push_back(subject_id); });
    files_ = std::make_unique<files::CreditFiles>(*store_, DefaultCatalog(), clock_);

    Submit(
        "market_regulation",
        R"({"source_ref":"PEN-1","kind":"admin_penalty","subject":{"code":")" + CompanyA() +
            R"(","name":"温州市甲贸易有限公司"},"decided_at":"2026-03-02","tier":"general",)"
            R"("document_no":"温鹿市监罚〔2026〕1号","content":"罚款人民币伍万元",)"
            R"("legal_basis":"《中华人民共和国食品安全法》第一百二十四条","amount_yuan":50000,"authority":{"name":"温州市鹿城区市场监督管理局"}})");
    Submit(
        "court",
        R"({"source_ref":"(2026)浙0302执1号","kind":"dishonest_debtor","subject":)"
        R"({"code":")" +
            CompanyA() +
            R"(","name":"温州市甲贸易有限公司"},"decided_at":"2026-04-01",)"
            R"("document_no":"(2026)浙0302执1号","list":"dishonest_debtor","ground":"1","authority":{"name":"鹿城区人民法院"}})");
    Submit("market_regulation",
           R"({"source_ref":"PEN-B","kind":"admin_penalty","subject":{"code":")" + CompanyB() +
               R"(","name":"温州市乙贸易有限公司"},"decided_at":"2026-03-02","tier":"general",)"
               R"("document_no":"温鹿市监罚〔2026〕2号","legal_basis":"《食品安全法》",)"
               R"("content":"罚款","amount_yuan":1000,"authority":{"name":"鹿城区市场监管局"}})");
    penalty_ = Record("market_regulation", "PEN-1");
    debtor_ = Record("court", "(2026)浙0302执1号");
    other_penalty_ = Record("market_regulation", "PEN-B");
  }

  void TearDown() override {
    due_.reset();
    ingestor_.reset();
    files_.reset();
    store_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void Submit(const std::string& department, const std::string& row) {
    ingest::BatchInput input;
    input.department = department;
    input.actor = "test";
    input.source_name = "test";
    input.data = row;
    auto report = ingestor_->Submit(input);
    ASSERT_TRUE(report) << report.error().ToString();
    ASSERT_EQ(report->rejected, 0) << ingest::BatchReportJson(*report);
  }

  store::Record Record(const std::string& department, const std::string& ref) {
    auto found = store_->FindRecordByRef(department, ref);
    EXPECT_TRUE(found && found->has_value());
    return **found;
  }

  files::RecordView ViewOf(const auth::Principal& viewer, const std::string& code,
                           int64_t record_id) {
    files::RecordFilter filter;
    filter.limit = 100;
    // Staff reading a full file state their purpose (it enters the subject's access log).
    auth::Principal reader = viewer;
    if (reader.purpose.empty()) reader.purpose = "checking the objection's record";
    auto page = files_->ListRecords(reader, code, filter, clock_.Today());
    EXPECT_TRUE(page) << page.error().ToString();
    if (!page) return {};
    for (const files::RecordView& view : page->items) {
      if (view.record.id == record_id) return view;
    }
    return {};
  }

  std::vector<std::string> Topics(const auth::Principal& subject) {
    std::vector<std::string> topics;
    auto page = due_->Notifications(subject, 0, 100);
    EXPECT_TRUE(page) << page.error().ToString();
    for (const store::Notification& notification : page->items) {
      topics.push_back(notification.topic);
    }
    return topics;
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> actions;
    EXPECT_TRUE(store_->ScanAudit(1, [&](const store::AuditEntry& entry) {
      actions.push_back(entry.action);
      return OkStatus();
    }));
    return actions;
  }

  fs::path dir_;
  FixedClock clock_{At("2026-09-18")};  // a Friday before Mid-Autumn and National Day
  std::unique_ptr<store::Store> store_;
  calendar::WorkingCalendar calendar_;
  Settings settings_;
  std::unique_ptr<ingest::Ingestor> ingestor_;
  std::unique_ptr<DueProcess> due_;
  std::unique_ptr<files::CreditFiles> files_;
  std::vector<int64_t> changed_;
  store::Record penalty_, debtor_, other_penalty_;
};

TEST_F(DueProcessTest, PolicyDefaultsAreThoseOfTheRegulations) {
  EXPECT_EQ(settings_.objection_working_days, 20);
  EXPECT_EQ(settings_.restoration_decision_working_days, 3);
  EXPECT_EQ(settings_.restoration_answer_working_days, 10);
}

TEST_F(DueProcessTest, ObjectionMarksTheRecordAtOnceAndIsDueInTwentyWorkingDays) {
  auth::Principal company = SubjectCaller(CompanyA());
  auto filed = due_->FileObjection(company, penalty_.id, "罚款金额有误，应为两万元",
                                   {{"缴款凭证.pdf", std::string(kPdf)}});
  ASSERT_TRUE(filed) << filed.error().ToString();
  // Filed on Friday 18 September 2026: Sunday 20 September and Saturday 10 October are worked,
  // Mid-Autumn (25-27 September) and National Day (1-7 October) are not.
  EXPECT_EQ(filed->case_.due_on, D("2026-10-22"));
  EXPECT_EQ(filed->case_.department, "market_regulation");
  EXPECT_EQ(filed->case_.status, "open");
  EXPECT_EQ(filed->working_days_left, 20);
  EXPECT_FALSE(filed->overdue);
  const JsonValue* attachment = filed->detail.FindPath("attachments");
  ASSERT_TRUE(attachment && attachment->is_array() && attachment->as_array().size() == 1);
  EXPECT_EQ(attachment->as_array()[0].GetString("type"), "pdf");
  EXPECT_EQ(attachment->as_array()[0].GetString("label"), "缴款凭证.pdf");

  // Under objection for the public and for the department, at once.
  files::RecordView public_view = ViewOf(auth::Principal{}, CompanyA(), penalty_.id);
  EXPECT_TRUE(public_view.under_objection);
  EXPECT_EQ(public_view.objection_case, filed->case_.id);
  EXPECT_TRUE(ViewOf(DepartmentCaller("tax"), CompanyA(), penalty_.id).under_objection);
  EXPECT_FALSE(ViewOf(auth::Principal{}, CompanyA(), debtor_.id).under_objection);

  // The department's queue has it; another department's does not.
  auto queue = due_->List(DepartmentCaller("market_regulation"), OfKind("objection"));
  ASSERT_TRUE(queue);
  ASSERT_EQ(queue->items.size(), 1u);
  EXPECT_EQ(queue->items[0].subject_code, CompanyA());
  EXPECT_EQ(due_->List(DepartmentCaller("tax"), OfKind("objection"))->total, 0);

  auto again = due_->FileObjection(company, penalty_.id, "再次异议", {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason(), "already_open");
  EXPECT_EQ(Topics(company), std::vector<std::string>{"objection.filed"});
  EXPECT_EQ(AuditActions().back(), "objection.file");
  EXPECT_EQ(changed_, std::vector<int64_t>{penalty_.subject_id});

  // The attachment is served back by content, to the subject and the department only.
  auto content = due_->ReadAttachment(company, filed->case_.id, 0);
  ASSERT_TRUE(content) << content.error().ToString();
  EXPECT_EQ(content->bytes, kPdf);
  EXPECT_EQ(content->content_type, "application/pdf");
  EXPECT_FALSE(due_->ReadAttachment(SubjectCaller(CompanyB()), filed->case_.id, 0));
  EXPECT_FALSE(due_->ReadAttachment(company, filed->case_.id, 1));
}

TEST_F(DueProcessTest, OnlyTheRecordsSubjectObjectsAndAttachmentsAreChecked) {
  auto foreign = due_->FileObjection(SubjectCaller(CompanyB()), penalty_.id, "不是我的", {});
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code(), ErrorCode::kPermissionDenied);
  auto department = due_->FileObjection(DepartmentCaller("tax"), penalty_.id, "理由", {});
  ASSERT_FALSE(department);
  EXPECT_EQ(department.error().code(), ErrorCode::kPermissionDenied);
  auto unknown = due_->FileObjection(SubjectCaller(CompanyA()), 4242, "理由", {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);

  auth::Principal company = SubjectCaller(CompanyA());
  auto empty = due_->FileObjection(company, penalty_.id, "  \n", {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().reason(), "grounds");
  auto too_long = due_->FileObjection(company, penalty_.id, std::string(4001, 'x'), {});
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().reason(), "grounds");

  // A program named like a PDF is refused by its content.
  auto disguised = due_->FileObjection(company, penalty_.id, "理由",
                                       {{"proof.pdf", std::string("MZ\x90\x00 program", 12)}});
  ASSERT_FALSE(disguised);
  EXPECT_EQ(disguised.error().reason(), "attachment");
  EXPECT_NE(disguised.error().message().find("not of an accepted type"), std::string::npos);
  std::string big = std::string(kPdf) + std::string(settings_.attachment_max_bytes, ' ');
  auto oversized = due_->FileObjection(company, penalty_.id, "理由", {{"big.pdf", big}});
  ASSERT_FALSE(oversized);
  EXPECT_NE(oversized.error().message().find("the limit is"), std::string::npos);
  std::vector<Upload> many(settings_.attachment_max_files + 1, Upload{"a.pdf", std::string(kPdf)});
  auto too_many = due_->FileObjection(company, penalty_.id, "理由", many);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().reason(), "attachment");
  // A hostile name is a label only; the file is named by its content.
  auto hostile = due_->FileObjection(company, penalty_.id, "理由",
                                     {{"../../etc/passwd\n.pdf", std::string(kPdf)}});
  ASSERT_TRUE(hostile) << hostile.error().ToString();
  EXPECT_EQ(hostile->detail.FindPath("attachments")->as_array()[0].GetString("label"),
            "....etcpasswd.pdf");
  int files_stored = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "attachments")) {
    EXPECT_EQ(entry.path().filename().string().size(), 64u + 4u) << entry.path();
    ++files_stored;
  }
  EXPECT_EQ(files_stored, 1);
  // Nothing was filed by the refused attempts.
  EXPECT_EQ(due_->List(OperatorCaller(), {})->total, 1);
}

TEST_F(DueProcessTest, OverdueObjectionsEscalateToTheOperators) {
  auth::Principal company = SubjectCaller(CompanyA());
  auto filed = due_->FileObjection(company, penalty_.id, "罚款金额有误", {});
  ASSERT_TRUE(filed);
  clock_.Set(At("2026-10-22"));  // the last day: due, not overdue
  EXPECT_EQ(due_->Escalations(OperatorCaller(), 0, 20)->total, 0);
  EXPECT_EQ(due_->Get(company, filed->case_.id)->working_days_left, 0);
  clock_.Set(At("2026-10-23"));
  auto escalated = due_->Escalations(OperatorCaller(), 0, 20);
  ASSERT_TRUE(escalated);
  ASSERT_EQ(escalated->items.size(), 1u);
  EXPECT_TRUE(escalated->items[0].overdue);
  EXPECT_EQ(escalated->items[0].escalated_to, "operator");
  EXPECT_FALSE(due_->Escalations(DepartmentCaller("market_regulation"), 0, 20));
  EXPECT_FALSE(due_->Get(SubjectCaller(CompanyB()), filed->case_.id));
}

TEST_F(DueProcessTest, CorrectionWritesANewVersionThroughTheIngest) {
  auth::Principal company = SubjectCaller(CompanyA());
  auto filed = due_->FileObjection(company, penalty_.id, "罚款金额有误，应为两万元", {});
  ASSERT_TRUE(filed);
  ObjectionDecision decision{"corrected", "核实后金额更正为两万元", JsonValue(JsonValue::Object{})};
  decision.changes.Set("amount_yuan", JsonValue(int64_t{20000}));

  auto wrong_department = due_->DecideObjection(DepartmentCaller("tax"), filed->case_.id, decision);
  ASSERT_FALSE(wrong_department);
  EXPECT_EQ(wrong_department.error().code(), ErrorCode::kPermissionDenied);
  ObjectionDecision identity = decision;
  identity.changes.Set("source_ref", JsonValue("PEN-2"));
  auto refused =
      due_->DecideObjection(DepartmentCaller("market_regulation"), filed->case_.id, identity);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason(), "changes");

  clock_.Set(At("2026-09-21"));
  auto decided =
      due_->DecideObjection(DepartmentCaller("market_regulation"), filed->case_.id, decision);
  ASSERT_TRUE(decided) << decided.error().ToString();
  EXPECT_EQ(decided->case_.status, "corrected");
  EXPECT_FALSE(decided->case_.open);
  store::Record corrected = Record("market_regulation", "PEN-1");
  EXPECT_EQ(corrected.version, 2);
  EXPECT_NE(corrected.payload.find("\"amount_yuan\":20000"), std::string::npos);
  EXPECT_EQ(decided->detail.FindPath("decision.record_version")->as_int(), 2);
  EXPECT_FALSE(ViewOf(auth::Principal{}, CompanyA(), penalty_.id).under_objection);
  EXPECT_EQ(Topics(company), (std::vector<std::string>{"objection.decided", "objection.filed"}));
  auto twice =
      due_->DecideObjection(DepartmentCaller("market_regulation"), filed->case_.id, decision);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().reason(), "decided");
  EXPECT_EQ(AuditActions().back(), "objection.decide");
}

TEST_F(DueProcessTest, RemovedUpheldAndUnverifiableObjections) {
  auth::Principal company = SubjectCaller(CompanyA());
  auto court = DepartmentCaller("court");
  auto market = DepartmentCaller("market_regulation");

  auto on_debtor = due_->FileObjection(company, debtor_.id, "已履行完毕", {});
  ASSERT_TRUE(on_debtor);
  auto no_reasons = due_->DecideObjection(court, on_debtor->case_.id, {"unverifiable", "", {}});
  ASSERT_FALSE(no_reasons);
  EXPECT_EQ(no_reasons.error().reason(), "reasons");
  auto unverifiable =
      due_->DecideObjection(court, on_debtor->case_.id, {"unverifiable", "履行凭证无法核实", {}});
  ASSERT_TRUE(unverifiable) << unverifiable.error().ToString();
  files::RecordView kept = ViewOf(auth::Principal{}, CompanyA(), debtor_.id);
  EXPECT_FALSE(kept.under_objection);
  EXPECT_EQ(kept.objection_note, "已履行完毕");

  auto on_penalty = due_->FileObjection(company, penalty_.id, "处罚对象错误", {});
  ASSERT_TRUE(on_penalty);
  auto upheld = due_->DecideObjection(market, on_penalty->case_.id, {"upheld", "经核实无误", {}});
  ASSERT_TRUE(upheld) << upheld.error().ToString();
  files::RecordView stands = ViewOf(auth::Principal{}, CompanyA(), penalty_.id);
  EXPECT_FALSE(stands.under_objection);
  EXPECT_EQ(stands.objection_note, "");
  EXPECT_EQ(Record("market_regulation", "PEN-1").version, 1);

  auto again = due_->FileObjection(company, penalty_.id, "处罚对象错误，补充材料", {});
  ASSERT_TRUE(again);
  auto removed = due_->DecideObjection(market, again->case_.id, {"removed", "", {}});
  ASSERT_TRUE(removed) << removed.error().ToString();
  EXPECT_EQ(Record("market_regulation", "PEN-1").status, store::RecordStatus::kWithdrawn);
  EXPECT_EQ(ViewOf(auth::Principal{}, CompanyA(), penalty_.id).record.id, 0);  // not public
  auto bad = due_->FileObjection(company, penalty_.id, "x", {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason(), "withdrawn");
}

TEST_F(DueProcessTest, RestorationApprovedEndsPublicityAtOnce) {
  auth::Principal company = SubjectCaller(CompanyA());
  auto outlook = due_->Outlook(company);
  ASSERT_TRUE(outlook) << outlook.error().ToString();
  ASSERT_EQ(outlook->size(), 2u);
  for (const RestorationOutlook& item : *outlook) {
    if (item.record_id == penalty_.id) {
      EXPECT_EQ(item.restorable_from, D("2026-06-02"));
      EXPECT_EQ(item.expires_on, D("2027-03-02"));
      EXPECT_TRUE(item.may_apply_now);
    } else {
      EXPECT_EQ(item.record_id, debtor_.id);
      EXPECT_FALSE(item.restorable_from.has_value());
      EXPECT_FALSE(item.may_apply_now);
      EXPECT_EQ(item.reason, "not_restorable");
    }
  }
  auto never = due_->ApplyForRestoration(company, debtor_.id, "已履行", "承诺守信", {});
  ASSERT_FALSE(never);
  EXPECT_EQ(never.error().reason(), "not_restorable");
  auto no_commitment = due_->ApplyForRestoration(company, penalty_.id, "罚款已缴清", "", {});
  ASSERT_FALSE(no_commitment);
  EXPECT_EQ(no_commitment.error().reason(), "commitment");

  auto applied =
      due_->ApplyForRestoration(company, penalty_.id, "罚款已缴清", "本企业承诺今后依法经营",
                                {{"receipt.pdf", std::string(kPdf)}});
  ASSERT_TRUE(applied) << applied.error().ToString();
  // Filed on Friday 18 September: 3 working days (Sunday 20 September is a make-up day) and 10.
  EXPECT_EQ(applied->case_.due_on, D("2026-09-22"));
  EXPECT_EQ(applied->case_.answer_due_on, D("2026-10-09"));
  auto commitments = due_->List(company, OfKind("commitment"));
  ASSERT_EQ(commitments->items.size(), 1u);
  EXPECT_EQ(commitments->items[0].detail.GetString("type"), "restoration");
  EXPECT_EQ(commitments->items[0].case_.department, "market_regulation");
  auto second = due_->ApplyForRestoration(company, penalty_.id, "再申请", "承诺", {});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().reason(), "already_open");

  auto refused_without_reasons =
      due_->DecideRestoration(DepartmentCaller("market_regulation"), applied->case_.id, false, "");
  ASSERT_FALSE(refused_without_reasons);
  clock_.Set(At("2026-09-21"));
  auto approved =
      due_->DecideRestoration(DepartmentCaller("market_regulation"), applied->case_.id, true, "");
  ASSERT_TRUE(approved) << approved.error().ToString();
  EXPECT_EQ(approved->case_.status, "approved");
  EXPECT_EQ(Record("market_regulation", "PEN-1").status, store::RecordStatus::kRestored);
  EXPECT_EQ(ViewOf(auth::Principal{}, CompanyA(), penalty_.id).record.id, 0);
  EXPECT_EQ(ViewOf(company, CompanyA(), penalty_.id).publicity_state, "restored");
  EXPECT_EQ(AuditActions().back(), "restoration.decide");
  EXPECT_EQ(AuditActions()[AuditActions().size() - 2], "record.restore");
  EXPECT_EQ(changed_, std::vector<int64_t>{penalty_.subject_id});
}

TEST_F(DueProcessTest, RestorationRefusedStatesReasons) {
  auth::Principal company = SubjectCaller(CompanyA());
  auto applied = due_->ApplyForRestoration(company, penalty_.id, "罚款已缴清", "承诺", {});
  ASSERT_TRUE(applied);
  auto refused = due_->DecideRestoration(DepartmentCaller("market_regulation"), applied->case_.id,
                                         false, "罚款尚未缴清");
  ASSERT_TRUE(refused) << refused.error().ToString();
  EXPECT_EQ(refused->case_.status, "refused");
  EXPECT_EQ(refused->detail.FindPath("decision.reasons")->as_string(), "罚款尚未缴清");
  EXPECT_EQ(Record("market_regulation", "PEN-1").status, store::RecordStatus::kActive);
  auto page = due_->Notifications(company, 0, 1);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_NE(page->items[0].body.find("罚款尚未缴清"), std::string::npos);
}

TEST_F(DueProcessTest, CommitmentKeptOrBrokenEntersTheFile) {
  auth::Principal company = SubjectCaller(CompanyA());
  auto bad_type = due_->SignCommitment(company, "promise", "market_regulation", "食品经营许可",
                                       "承诺", D("2026-12-31"));
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().reason(), "type");
  auto court =
      due_->SignCommitment(company, "approval", "court", "食品经营许可", "承诺", D("2026-12-31"));
  ASSERT_FALSE(court);
  EXPECT_EQ(court.error().reason(), "department");
  auto past = due_->SignCommitment(company, "approval", "market_regulation", "食品经营许可", "承诺",
                                   D("2026-09-17"));
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().reason(), "deadline");

  auto approval = due_->SignCommitment(company, "approval", "market_regulation", "食品经营许可",
                                       "承诺三个月内补交健康证明", D("2026-12-18"));
  ASSERT_TRUE(approval) << approval.error().ToString();
  EXPECT_EQ(approval->case_.status, "signed");
  auto voluntary = due_->SignCommitment(company, "voluntary", "tax", "依法纳税", "按期申报纳税",
                                        D("2027-06-30"));
  ASSERT_TRUE(voluntary);

  clock_.Set(At("2026-12-21"));
  auto kept =
      due_->DecideCommitment(DepartmentCaller("market_regulation"), approval->case_.id, true, "");
  ASSERT_TRUE(kept) << kept.error().ToString();
  store::Record record = Record("market_regulation", fmt::format("CMT-{}", approval->case_.id));
  EXPECT_EQ(record.kind, "commitment");
  EXPECT_EQ(record.subject_id, penalty_.subject_id);
  EXPECT_NE(record.payload.find("\"status\":\"kept\""), std::string::npos);
  EXPECT_NE(record.payload.find("\"type\":\"approval\""), std::string::npos);
  EXPECT_EQ(kept->detail.FindPath("decision.record_id")->as_int(), record.id);

  auto broken_no_reasons =
      due_->DecideCommitment(DepartmentCaller("tax"), voluntary->case_.id, false, "");
  ASSERT_FALSE(broken_no_reasons);
  auto broken =
      due_->DecideCommitment(DepartmentCaller("tax"), voluntary->case_.id, false, "逾期未申报");
  ASSERT_TRUE(broken) << broken.error().ToString();
  EXPECT_NE(Record("tax", fmt::format("CMT-{}", voluntary->case_.id)).payload.find("broken"),
            std::string::npos);
  EXPECT_EQ(Topics(company).front(), "commitment.decided");
}

TEST_F(DueProcessTest, SettingsAreValidated) {
  std::vector<policy::PolicyFile> files;
  for (const auto& entry : fs::directory_iterator(fs::path(CREDENCE_SOURCE_DIR) / "policy")) {
    if (entry.path().extension() != ".toml") continue;
    std::ifstream in(entry.path());
    std::string text(std::istreambuf_iterator<char>(in), {});
    if (entry.path().filename() == "dueprocess.toml") {
      text =
          "[due_process]\nobjection_working_days = 0\nrestoration_decision_working_days = 12\n"
          "restoration_answer_working_days = 10\nattachment_max_bytes = 100\n"
          "attachment_max_files = 2\nattachment_types = [\"exe\"]\ntext_max_chars = 10\n";
    }
    files.push_back({entry.path().filename().string(), text});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  auto catalog = policy::ParseCatalog(files);
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  auto settings = Settings::Load(*catalog);
  ASSERT_FALSE(settings);
  std::string all;
  for (const Error& detail : settings.error().details()) all += detail.message() + "\n";
  EXPECT_NE(all.find("dueprocess.toml: due_process.objection_working_days: must be an integer"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("restoration_decision_working_days: is after the answer deadline"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("due_process.attachment_types: must list types"), std::string::npos) << all;
}

TEST(SniffAttachmentTypeTest, ReadsTheContentNotTheName) {
  EXPECT_EQ(SniffAttachmentType("%PDF-1.4 ..."), "pdf");
  EXPECT_EQ(SniffAttachmentType(std::string_view("\x89PNG\r\n\x1a\n....", 12)), "png");
  EXPECT_EQ(SniffAttachmentType("\xFF\xD8\xFF\xE0"), "jpeg");
  EXPECT_EQ(SniffAttachmentType("<html>"), "");
  EXPECT_EQ(SniffAttachmentType(""), "");
  EXPECT_EQ(SniffAttachmentType("%PD"), "");  // truncated
}

}  // namespace
}  // namespace credence::dueprocess
