#include "demo/demo.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "demo/generator_internal.h"

namespace credence::demo {
namespace {

using internal::CityGenerator;
using internal::DepartmentSlot;
using internal::FeedWriter;
using internal::KindSlot;
using internal::RecordPlan;
using internal::SubjectProfile;

using EmitFn = std::function<Status(std::string_view department, std::string ndjson)>;

// Every department's pending batch. Small departments fill slowly, so besides flushing a batch
// when it is full, the largest pending batch is flushed whenever all of them together pass a
// memory ceiling: memory stays bounded however many subjects the city has.
class BatchBuffers {
 public:
  static constexpr size_t kMaxBufferedBytes = 64u << 20;
  static constexpr int64_t kLineBytes = 640;  // a generous average line

  BatchBuffers(const std::vector<DepartmentSlot>& departments, int64_t batch_rows,
               const EmitFn& emit)
      : departments_(departments),
        batch_rows_(batch_rows),
        batch_bytes_(
            static_cast<size_t>(std::min<int64_t>(batch_rows * kLineBytes, kMaxBufferedBytes / 2))),
        emit_(emit) {
    pending_.resize(departments.size());
  }

  // The buffer to append the next line of a department to; finish it with EndLine.
  std::string& Line(int department) {
    Pending& pending = pending_[static_cast<size_t>(department)];
    // A batch's whole buffer at once: growing it line by line would copy it again and again.
    // Untouched capacity costs address space only.
    if (pending.text.capacity() < batch_bytes_) pending.text.reserve(batch_bytes_);
    line_start_ = pending.text.size();
    return pending.text;
  }

  Status EndLine(int department) {
    Pending& pending = pending_[static_cast<size_t>(department)];
    pending.text += '\n';
    ++pending.rows;
    buffered_bytes_ += pending.text.size() - line_start_;
    if (pending.rows >= batch_rows_) return Flush(department);
    if (buffered_bytes_ > kMaxBufferedBytes) {
      size_t largest = 0;
      for (size_t d = 1; d < pending_.size(); ++d) {
        if (pending_[d].text.size() > pending_[largest].text.size()) largest = d;
      }
      return Flush(static_cast<int>(largest));
    }
    return OkStatus();
  }

  Status FlushAll() {
    for (size_t d = 0; d < pending_.size(); ++d) {
      CREDENCE_RETURN_IF_ERROR(Flush(static_cast<int>(d)));
    }
    return OkStatus();
  }

 private:
  struct Pending {
    std::string text;
    int64_t rows = 0;
  };

  Status Flush(int department) {
    Pending& pending = pending_[static_cast<size_t>(department)];
    if (pending.rows == 0) return OkStatus();
    std::string text = std::exchange(pending.text, std::string());
    buffered_bytes_ -= text.size();
    pending.rows = 0;
    return emit_(departments_[static_cast<size_t>(department)].key, std::move(text));
  }

  const std::vector<DepartmentSlot>& departments_;
  const int64_t batch_rows_;
  const size_t batch_bytes_;
  const EmitFn& emit_;
  std::vector<Pending> pending_;
  size_t buffered_bytes_ = 0;
  size_t line_start_ = 0;
};

}  // namespace

Status GenerateFeeds(const policy::Catalog& catalog, const DemoOptions& options,
                     const EmitFn& emit) {
  CREDENCE_ASSIGN_OR_RETURN(CityGenerator city, CityGenerator::Create(catalog, options));
  FeedWriter writer(city);
  BatchBuffers buffers(city.departments(), options.batch_rows, emit);
  SubjectProfile subject;

  // Registrations first: they create the organisations with their full identity.
  for (int64_t index = 0; index < options.subjects; ++index) {
    city.DescribeSubject(index, subject);
    if (!city.Registers(subject)) continue;
    const int registrar = city.Registrar(subject);
    writer.AppendRegistration(subject, buffers.Line(registrar));
    CREDENCE_RETURN_IF_ERROR(buffers.EndLine(registrar));
  }
  CREDENCE_RETURN_IF_ERROR(buffers.FlushAll());

  // Then every other record, each subject recomputed from the seed.
  std::vector<RecordPlan> plans;
  for (int64_t index = 0; index < options.subjects; ++index) {
    city.DescribeSubject(index, subject);
    city.PlanRecords(subject, plans);
    if (plans.empty()) continue;
    writer.BeginSubject(subject);
    for (const RecordPlan& plan : plans) {
      writer.AppendRecord(subject, plan, buffers.Line(plan.department));
      CREDENCE_RETURN_IF_ERROR(buffers.EndLine(plan.department));
    }
  }
  return buffers.FlushAll();
}

Result<int64_t> CountRecords(const policy::Catalog& catalog, const DemoOptions& options) {
  CREDENCE_ASSIGN_OR_RETURN(CityGenerator city, CityGenerator::Create(catalog, options));
  SubjectProfile subject;
  std::vector<RecordPlan> plans;
  int64_t records = 0;
  for (int64_t index = 0; index < options.subjects; ++index) {
    city.DescribeSubject(index, subject);
    if (city.Registers(subject)) ++records;
    city.PlanRecords(subject, plans);
    records += static_cast<int64_t>(plans.size());
  }
  return records;
}

Result<DemoSummary> CreateDemoCity(
    ingest::Ingestor& ingestor, const policy::Catalog& catalog, const DemoOptions& options,
    const std::function<void(int64_t done, int64_t total)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  int64_t total = 0;
  if (progress) {
    CREDENCE_ASSIGN_OR_RETURN(total, CountRecords(catalog, options));
    progress(0, total);
  }
  DemoSummary summary;
  int64_t done = 0;
  auto submit = [&](std::string_view department, std::string ndjson) -> Status {
    ingest::BatchInput input;
    input.department = std::string(department);
    input.actor = "demo";
    input.source_name = "demo";
    input.format = ingest::Format::kNdjson;
    input.data = ndjson;
    Result<ingest::BatchReport> submitted = ingestor.Submit(input);
    if (!submitted) {
      return Fail(std::move(submitted).error().Context("demo batch of " + input.department));
    }
    const ingest::BatchReport& report = *submitted;
    ++summary.batches;
    summary.records += report.accepted + report.updated + report.unchanged;
    summary.rejected += report.rejected;
    done += report.submitted;
    if (progress) progress(done, total);
    if (report.rejected > 0) {
      // The generator must only produce valid rows: a rejection is its bug, not bad data.
      std::string message = "the demo generator produced " + std::to_string(report.rejected) +
                            " row(s) that the ingest rejected from " + input.department + ": ";
      std::vector<Error> details;
      constexpr size_t kShown = 5;
      for (size_t i = 0; i < report.errors.size() && i < kShown; ++i) {
        const ingest::RowError& row = report.errors[i];
        if (i > 0) message += "; ";
        message += "line " + std::to_string(row.line) + " " + row.field + " " + row.code + ": " +
                   row.message;
        details.push_back(Error::InvalidArgument(row.code, row.message).At(row.line, row.field));
      }
      Error error = Error::Internal(std::move(message));
      for (Error& detail : details) error.AddDetail(std::move(detail));
      return Fail(std::move(error));
    }
    return OkStatus();
  };
  CREDENCE_RETURN_IF_ERROR(GenerateFeeds(catalog, options, submit));
  summary.subjects = options.subjects;
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace credence::demo
