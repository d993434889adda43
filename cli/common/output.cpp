// SPDX-License-Identifier: Apache-2.0
// JSON text and the --output file (output.hpp).

#include "cli/common/output.hpp"

#include "cli/common/exit_codes.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace slawatch::cli {

std::string json_quote(std::string_view text) {
    return text::json_quote(text);
}

void write_output(const std::string& text, const std::string& file) {
    if (file.empty() || file == "-") {
        std::cout << text << std::flush;
        return;
    }
    // 0600 whatever the umask: a claim names the customer, its figures and evidence.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        throw CommandError(
            exit_failure, fmt::format("slawatch: cannot write {}: {}", file, std::strerror(errno)));
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0;
    // An existing file is tightened, then truncated; a device or pipe is written as it is.
    if (ok && S_ISREG(st.st_mode))
        ok = ((st.st_mode & 07777) == 0600 || ::fchmod(fd, 0600) == 0) && ::ftruncate(fd, 0) == 0;
    for (std::size_t done = 0; ok && done < text.size();) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    const int e = errno;
    if (::close(fd) != 0) ok = false;
    if (!ok)
        throw CommandError(exit_failure,
                           fmt::format("slawatch: cannot write {}: {}", file, std::strerror(e)));
}

}  // namespace slawatch::cli
