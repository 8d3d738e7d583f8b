// Process metrics in the Prometheus text exposition format. Thread-safe; counters and
// histograms are lock-free once created.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace credence {

class Counter {
 public:
  void Add(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Latency histogram with fixed buckets in seconds (0.0001 … 10).
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 10.0};
  void Observe(double seconds);
  int64_t count() const { return count_.load(std::memory_order_relaxed); }
  // For rendering: cumulative counts per bound, plus the sum.
  std::array<int64_t, kBounds.size()> BucketCounts() const;
  double sum() const;

 private:
  std::array<std::atomic<int64_t>, kBounds.size()> buckets_{};
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> sum_micros_{0};
};

// Names and labels are fixed at registration; the returned references live as long as the
// registry. labels is the rendered label set, e.g. R"(route="/healthz",status="200")".
class MetricsRegistry {
 public:
  Counter& GetCounter(std::string_view name, std::string_view help, std::string_view labels = "");
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::string_view labels = "");
  // A gauge whose value is read when rendering.
  void SetGauge(std::string_view name, std::string_view help, int64_t value);
  std::string RenderPrometheus() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    int64_t gauge = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace credence
