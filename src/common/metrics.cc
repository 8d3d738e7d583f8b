#include "common/metrics.h"

#include <fmt/format.h>

namespace credence {

void Histogram::Observe(double seconds) {
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<int64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::array<int64_t, Histogram::kBounds.size()> Histogram::BucketCounts() const {
  std::array<int64_t, kBounds.size()> cumulative{};
  int64_t running = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    cumulative[i] = running;
  }
  return cumulative;
}

double Histogram::sum() const { return sum_micros_.load(std::memory_order_relaxed) / 1e6; }

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     std::string_view labels) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    it =
        families_.emplace(std::string(name), Family{std::string(help), "counter", {}, {}, 0}).first;
  }
  auto& slot = it->second.counters[std::string(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         std::string_view labels) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{std::string(help), "histogram", {}, {}, 0})
             .first;
  }
  auto& slot = it->second.histograms[std::string(labels)];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

void MetricsRegistry::SetGauge(std::string_view name, std::string_view help, int64_t value) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{std::string(help), "gauge", {}, {}, 0}).first;
  }
  it->second.gauge = value;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto with_labels = [](std::string_view labels, std::string_view extra) {
    if (labels.empty() && extra.empty()) return std::string();
    if (labels.empty()) return fmt::format("{{{}}}", extra);
    if (extra.empty()) return fmt::format("{{{}}}", labels);
    return fmt::format("{{{},{}}}", labels, extra);
  };
  for (const auto& [name, family] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, family.help, name, family.type);
    if (family.type == "gauge") {
      out += fmt::format("{} {}\n", name, family.gauge);
    }
    for (const auto& [labels, counter] : family.counters) {
      out += fmt::format("{}{} {}\n", name, with_labels(labels, ""), counter->value());
    }
    for (const auto& [labels, histogram] : family.histograms) {
      auto buckets = histogram->BucketCounts();
      for (size_t i = 0; i < Histogram::kBounds.size(); ++i) {
        out += fmt::format("{}_bucket{} {}\n", name,
                           with_labels(labels, fmt::format("le=\"{}\"", Histogram::kBounds[i])),
                           buckets[i]);
      }
      out += fmt::format("{}_bucket{} {}\n", name, with_labels(labels, "le=\"+Inf\""),
                         histogram->count());
      out += fmt::format("{}_sum{} {}\n", name, with_labels(labels, ""), histogram->sum());
      out += fmt::format("{}_count{} {}\n", name, with_labels(labels, ""), histogram->count());
    }
  }
  return out;
}

}  // namespace credence
