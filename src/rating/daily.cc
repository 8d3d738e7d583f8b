// The daily job of `credence serve`: expiry, then re-rating every subject.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/log.h"
#include "rating/rating.h"

namespace credence::rating {

struct DailyJob::Thread {
  std::mutex mutex;
  std::condition_variable wake;
  bool stop = false;
  std::thread thread;
};

DailyJob::DailyJob(store::Store& store, RatingUpdater& updater, const Clock& clock,
                   MetricsRegistry* metrics)
    : store_(store), updater_(updater), clock_(clock), metrics_(metrics) {}

DailyJob::~DailyJob() {
  if (!thread_) return;
  {
    std::lock_guard<std::mutex> lock(thread_->mutex);
    thread_->stop = true;
  }
  thread_->wake.notify_all();
  thread_->thread.join();
}

Result<std::optional<DailyJob::Report>> DailyJob::RunIfDue() {
  Timestamp now = clock_.Now();
  Date day = now.ShanghaiDate();
  if (last_day_ && day <= *last_day_) return std::optional<Report>();
  auto started = std::chrono::steady_clock::now();
  Report report;
  report.day = day;
  auto ran = [&]() -> Status {
    CREDENCE_ASSIGN_OR_RETURN(report.expiry, lifecycle::RunExpiry(store_, day, now, "lifecycle"));
    CREDENCE_ASSIGN_OR_RETURN(report.rating, updater_.RerateAll(day));
    return OkStatus();
  }();
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!ran) {
    if (metrics_ != nullptr) {
      metrics_->GetCounter("credence_daily_failures_total", "daily job runs that failed").Add();
    }
    LogError("daily.failed", {{"day", day.ToString()}, {"message", ran.error().message()}});
    return Fail(ran.error());
  }
  last_day_ = day;
  if (metrics_ != nullptr) {
    metrics_->GetCounter("credence_daily_runs_total", "daily job runs (expiry and re-rating)")
        .Add();
    metrics_->SetGauge("credence_daily_expired", "records expired by the last daily run",
                       report.expiry.expired);
    metrics_->SetGauge("credence_daily_rated", "subjects rated by the last daily run",
                       report.rating.subjects);
    metrics_->SetGauge("credence_daily_rating_changes",
                       "ratings whose score or level changed in the last daily run",
                       report.rating.changed);
    metrics_->SetGauge("credence_daily_seconds", "duration of the last daily run, whole seconds",
                       static_cast<int64_t>(report.seconds));
    metrics_->SetGauge("credence_daily_day", "the day of the last daily run, days since 1970",
                       day.days());
  }
  LogInfo("daily.run", {{"day", day.ToString()},
                        {"expired", report.expiry.expired},
                        {"expiry_skipped", report.expiry.skipped},
                        {"rated", report.rating.subjects},
                        {"rating_changes", report.rating.changed},
                        {"records", report.rating.records},
                        {"digest", report.rating.digest},
                        {"seconds", report.seconds}});
  return std::optional<Report>(std::move(report));
}

void DailyJob::Start(std::chrono::milliseconds poll) {
  if (thread_) return;
  thread_ = std::make_unique<Thread>();
  thread_->thread = std::thread([this, poll] {
    std::unique_lock<std::mutex> lock(thread_->mutex);
    while (!thread_->stop) {
      lock.unlock();
      (void)RunIfDue();  // failures are logged and counted; the next check tries again
      lock.lock();
      thread_->wake.wait_for(lock, poll, [this] { return thread_->stop; });
    }
  });
}

}  // namespace credence::rating
