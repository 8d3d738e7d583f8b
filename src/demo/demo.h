// The demo city: a synthetic Wenzhou-like city with realistic subjects and department feeds
// (DOMAIN.md §9 layouts), generated deterministically from a seed and fed through the same
// ingest path as real feeds.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "ingest/ingest.h"
#include "policy/policy.h"

namespace credence::demo {

struct DemoOptions {
  int64_t subjects = 20000;  // Default: 20,000
  uint64_t seed = 1;
  Date today;                  // records are dated over the six years before this day
  int64_t batch_rows = 50000;  // rows per department batch
};

struct DemoSummary {
  int64_t subjects = 0;
  int64_t records = 0;
  int64_t batches = 0;
  int64_t rejected = 0;  // rows the ingest refused (0 for a healthy generator)
  double seconds = 0;
};

// Generates the city's feeds: calls emit(department, ndjson) once per batch, registrations
// first (so that subjects exist with their full identity), then every other department.
// The same options give byte-identical feeds.
Status GenerateFeeds(
    const policy::Catalog& catalog, const DemoOptions& options,
    const std::function<Status(std::string_view department, std::string ndjson)>& emit);

// Generates the feeds and submits each through the ingestor.
Result<DemoSummary> CreateDemoCity(
    ingest::Ingestor& ingestor, const policy::Catalog& catalog, const DemoOptions& options,
    const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace credence::demo
