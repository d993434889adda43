// SPDX-License-Identifier: Apache-2.0
#include "daemon/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace slawatch::daemon {

namespace {
// sd-daemon(3) priority prefix, so journald files each line at its level.
class priority_flag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        const char* p = "<6>";
        switch (msg.level) {
            case spdlog::level::trace:
            case spdlog::level::debug:
                p = "<7>";
                break;
            case spdlog::level::info:
                p = "<6>";
                break;
            case spdlog::level::warn:
                p = "<4>";
                break;
            case spdlog::level::err:
                p = "<3>";
                break;
            case spdlog::level::critical:
                p = "<2>";
                break;
            default:
                break;
        }
        dest.append(p, p + 3);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<priority_flag>();
    }
};
}  // namespace

bool parse_log_format(std::string_view text, LogFormat& out) {
    if (text == "journal")
        out = LogFormat::journal;
    else if (text == "plain")
        out = LogFormat::plain;
    else
        return false;
    return true;
}

void setup_logging(LogFormat format) {
    spdlog::drop("slawatch");
    auto logger = spdlog::stderr_logger_st("slawatch");
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    if (format == LogFormat::journal)
        formatter->add_flag<priority_flag>('*').set_pattern("%*%v");
    else
        formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
    logger->set_formatter(std::move(formatter));
    logger->flush_on(spdlog::level::trace);  // a log line must not sit in a buffer when we crash
    spdlog::set_default_logger(logger);
}

}  // namespace slawatch::daemon
