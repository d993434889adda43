// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the replay CSV (cli/replay/replay_csv), read through the real line
// reader from a memory file: the first line is the header, the rest are rows.
// Each line parses or throws BadLine, which ends the file as replay does.
#include "cli/common/exit_codes.hpp"
#include "cli/replay/replay_csv.hpp"
#include "config/config.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {
constexpr std::string_view config_text = R"(
[contract]
name = "fuzz"
timezone = "Asia/Shanghai"
start = 2026-03-17
months = 3
monthly_fee = "1000.00"
currency = "CNY"
user_id = "100000000001"
order_id = "20260317000001"

[storage]
path = "fuzz.db"

[[probe]]
name = "update_check"
kind = "http"
url = "http://127.0.0.1:9/check"

[[probe]]
name = "ref"
role = "control"
kind = "http"
url = "http://127.0.0.1:9/ref"
)";

const slawatch::config::Config& fuzz_config() {
    static const auto loaded = slawatch::config::parse(config_text, "/fuzz/slawatch.toml");
    if (!loaded) std::abort();
    return *loaded.config;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace replay = slawatch::cli::replay;
    const auto& config = fuzz_config();
    // A memory file: LineReader's own buffering and BOM handling are part of the target.
    const int fd = memfd_create("fuzz.csv", MFD_CLOEXEC);
    if (fd < 0) std::abort();
    for (std::size_t done = 0; done < size;) {
        const auto n = ::write(fd, data + done, size - done);
        if (n <= 0) std::abort();
        done += static_cast<std::size_t>(n);
    }
    try {
        replay::LineReader reader("/proc/self/fd/" + std::to_string(fd));
        replay::RowParser parser(config);
        slawatch::storage::ProbeResult r;
        std::string_view line;
        bool header = true;
        // Like replay: the first bad line ends the file (all-or-nothing).
        while (reader.next(line)) {
            if (replay::blank(line)) continue;
            if (header) {
                parser.header(line);
                header = false;
            } else {
                parser.row(line, r);
            }
        }
    } catch (const replay::BadLine&) {
    } catch (const slawatch::cli::CommandError&) {
        std::abort();  // the memory file always opens
    }
    ::close(fd);
    return 0;
}
