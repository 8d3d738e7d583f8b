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
  Date today;  // required: records are dated over the six years up to this day, never after
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
// The same options (and catalog) give byte-identical feeds.
//
// Each batch is one department's NDJSON (FORMATS.md), at most options.batch_rows lines, each
// line ending in '\n'. Every subject gets at least one record, so ingesting the feeds creates
// exactly options.subjects subjects. Source references are "<DEPT>-<KIND>-<9 digits>", counting
// up per department and kind in emission order. Records only carry kinds the catalog lets the
// emitting department submit about that kind of subject, dated within the six years up to
// options.today. Memory stays bounded whatever the number of subjects (a subject is recomputed
// from the seed rather than kept). An error returned by emit stops the generation and is
// returned. Fails with InvalidArgument for unusable options (options.today must be set, on or
// after 1990-01-01) and FailedPrecondition when the catalog or division table lacks what the
// city needs.
Status GenerateFeeds(
    const policy::Catalog& catalog, const DemoOptions& options,
    const std::function<Status(std::string_view department, std::string ndjson)>& emit);

// How many records GenerateFeeds emits for these options (registrations included), counted
// without wording them: for progress bars. Fails as GenerateFeeds would.
Result<int64_t> CountRecords(const policy::Catalog& catalog, const DemoOptions& options);

// Generates the feeds and submits each through the ingestor (actor and source name "demo").
// Any rejected row is a generator bug: the city stops with an Internal error whose details are
// the first rejected rows. progress, when given, is called with records submitted so far and
// the total (from CountRecords).
Result<DemoSummary> CreateDemoCity(
    ingest::Ingestor& ingestor, const policy::Catalog& catalog, const DemoOptions& options,
    const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace credence::demo
