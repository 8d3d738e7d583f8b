#include "common/log.h"

#include <atomic>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/json.h"
#include "common/time.h"

namespace credence {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<bool> g_text{false};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto created = spdlog::stderr_logger_mt("credence");
    created->set_pattern("%v");
    created->set_level(spdlog::level::trace);
    created->flush_on(spdlog::level::trace);
    return created;
  }();
  return *logger;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }
void SetLogFormat(std::string_view format) { g_text = format == "text"; }

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (level < g_level.load()) return;
  std::string line;
  if (g_text.load()) {
    line = std::string(LevelName(level)) + " " + std::string(event);
    for (const LogField& field : fields) {
      line += " " + std::string(field.key) + "=";
      std::visit(
          [&](const auto& v) {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
              line += v;
            } else {
              line += std::to_string(v);
            }
          },
          field.value);
    }
  } else {
    JsonWriter writer;
    writer.StartObject()
        .Field("ts", SystemClock().Now().ToString())
        .Field("level", LevelName(level))
        .Field("event", event);
    for (const LogField& field : fields) {
      writer.Key(field.key);
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
              writer.String(v);
            } else if constexpr (std::is_same_v<T, int64_t>) {
              writer.Int(v);
            } else {
              writer.Double(v);
            }
          },
          field.value);
    }
    writer.EndObject();
    line = writer.Take();
  }
  Logger().info(line);
}

}  // namespace credence
