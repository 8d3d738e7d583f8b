// Incremental re-rating: the time from a committed ingest batch of one record to its subject's
// new rating being stored (what `credence serve` does before the ingest replies).
//
//   build/rerate_bench [--subjects N] [--batches K] [--dir DIR]
//
// 1. Builds a demo city of N subjects (default 20,000) and stores every rating (RateAll).
// 2. Submits K single-record batches (default 300: an administrative penalty on an enterprise
//    picked with a fixed seed), each re-rated by a RatingUpdater observer as in serve, and
//    times the re-rating of each batch and the ingest of the record itself.
// Prints p50 and p99 of both, and the ratio of the re-rating p99 to its 50 ms target.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/common.h"
#include "demo/demo.h"
#include "ingest/ingest.h"
#include "lists/lists.h"
#include "policy/policy.h"
#include "rating/rating.h"
#include "store/store.h"

namespace fs = std::filesystem;
using namespace credence;

namespace {

template <typename T>
T OrExit(Result<T> result) {
  if (!result) {
    std::fprintf(stderr, "%s\n", result.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*result);
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  int64_t subjects = 20000;
  int batches = 300;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--subjects") == 0) subjects = std::atoll(argv[i + 1]);
    if (std::strcmp(argv[i], "--batches") == 0) batches = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  bool own_dir = dir.empty();
  if (own_dir)
    dir = (fs::temp_directory_path() / fmt::format("rerate_bench_{}", ::getpid())).string();
  fs::remove_all(dir);
  policy::Catalog catalog = OrExit(policy::LoadCatalog(policy::DefaultPolicyDir()));
  lists::ListCatalog lists = OrExit(lists::ListCatalog::Load(catalog));
  rating::RatingModels models = OrExit(rating::LoadRatingModels(catalog));
  FixedClock clock(Timestamp::Parse("2026-11-22T04:00:00Z").value());
  Date today = clock.Today();
  std::unique_ptr<store::Store> store = OrExit(store::Store::Open(dir + "/credence.db"));
  {
    ingest::Ingestor ingestor(*store, catalog, clock);
    demo::DemoOptions options;
    options.subjects = subjects;
    options.today = today;
    OrExit(demo::CreateDemoCity(ingestor, catalog, options));
    OrExit(rating::RateAll(*store, catalog, models, lists, today, true));
  }

  std::vector<store::Subject> enterprises;  // in id order
  if (auto scanned = store->ScanSubjects(0, -1,
                                         [&](const store::Subject& subject) {
                                           if (subject.kind == ids::SubjectKind::kEnterprise) {
                                             enterprises.push_back(subject);
                                           }
                                         });
      !scanned) {
    std::fprintf(stderr, "%s\n", scanned.error().ToString().c_str());
    return 1;
  }

  rating::RatingUpdater updater(*store, catalog, models, lists);
  ingest::Ingestor ingestor(*store, catalog, clock);
  std::vector<double> rerate_ms;
  ingestor.OnCommitted([&](const ingest::BatchReport& report) {
    if (report.touched_subjects.empty()) return;
    auto started = std::chrono::steady_clock::now();
    auto counts = updater.Rerate(report.touched_subjects, today);
    rerate_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    if (!counts || counts->rated != 1) {
      std::fprintf(stderr, "re-rating failed\n");
      std::exit(1);
    }
  });
  SeededRandom random(42);
  std::vector<double> ingest_ms;
  for (int i = 0; i < batches; ++i) {
    const store::Subject& subject = enterprises[random.Uniform(enterprises.size())];
    std::string row = fmt::format(
        R"({{"source_ref":"BENCH-{}","kind":"admin_penalty","subject":{{"code":"{}","name":"{}","kind":"enterprise"}},"decided_at":"2026-10-01","tier":"general","document_no":"温鹿市监罚〔2026〕B{}号","legal_basis":"《中华人民共和国产品质量法》第四十九条","content":"罚款人民币贰万元","amount_yuan":20000,"authority":{{"name":"温州市鹿城区市场监督管理局"}}}})"
        "\n",
        i, subject.code, subject.name, i);
    ingest::BatchInput input{"market_regulation", "bench", "bench", ingest::Format::kNdjson, row};
    auto started = std::chrono::steady_clock::now();
    auto report = OrExit(ingestor.Submit(input));
    double total =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (report.accepted != 1) {
      std::fprintf(stderr, "row rejected: %s\n",
                   report.errors.empty() ? "" : report.errors[0].message.c_str());
      return 1;
    }
    ingest_ms.push_back(total - rerate_ms.back());
  }
  double p99 = Percentile(rerate_ms, 0.99);
  std::printf("RESULT subjects=%lld\n", static_cast<long long>(subjects));
  std::printf("RESULT rerate_p50_ms=%.3f\n", Percentile(rerate_ms, 0.5));
  std::printf("RESULT rerate_p99_ms=%.3f\n", p99);
  std::printf("RESULT ingest_one_record_p50_ms=%.3f\n", Percentile(ingest_ms, 0.5));
  std::printf("RESULT ingest_one_record_p99_ms=%.3f\n", Percentile(ingest_ms, 0.99));
  std::printf("RESULT rerate_p99_vs_50ms_target=%.4f\n", p99 / 50.0);
  store.reset();
  if (own_dir) fs::remove_all(dir);
  return 0;
}
