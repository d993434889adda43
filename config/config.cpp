// SPDX-License-Identifier: Apache-2.0
// load()/parse(): TOML text -> Config, or every problem found, in file order.

#include "config/config.hpp"

#include "config/section.hpp"
#include "config/sections.hpp"
#include "text/escape.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sstream>

namespace slawatch::config {

namespace detail {

std::string Context::resolve(const std::string& path) const {
    if (path.empty()) return path;
    const std::filesystem::path p(path);
    return (p.is_absolute() ? p : base_dir / p).lexically_normal().string();
}

const toml::array* table_array(const toml::node& node, std::string_view name, Diagnostics& diag) {
    const toml::array* list = node.as_array();
    if (!list) {
        diag.error(node, std::string(name) + ": expected an array of tables ([[" +
                             std::string(name) + "]]), got " + std::string(type_name(node)));
    }
    return list;
}

const toml::table* table_of(const toml::node& node, std::string_view name, Diagnostics& diag) {
    const toml::table* table = node.as_table();
    if (!table) {
        diag.error(node, std::string(name) + ": expected a table ([" + std::string(name) +
                             "]), got " + std::string(type_name(node)));
    }
    return table;
}

namespace {

struct SectionReader {
    std::string_view key;
    void (*read)(const toml::node&, Context&, Config&);
    bool required;
};

// The top-level sections, in the order they are read (contract first: others may use its terms).
constexpr SectionReader section_readers[] = {
    {"contract", read_contract, true},  {"monitor", read_monitor, false},
    {"storage", read_storage, false},   {"metrics", read_metrics, false},
    {"probe", read_probes, false},      {"maintenance", read_maintenance, false},
    {"alert", read_alerts, false},      {"attribution", read_attribution, false},
    {"evidence", read_evidence, false}, {"vantage", read_vantage, false},
};

void read_root(const toml::table& root, Context& ctx, Config& out) {
    std::set<std::string, std::less<>> known;
    for (const auto& reader : section_readers) {
        known.emplace(reader.key);
        if (const toml::node* node = root.get(reader.key)) {
            reader.read(*node, ctx, out);
        } else if (reader.required) {
            ctx.diag.error_at_start("missing required section [" + std::string(reader.key) + "]");
        }
    }
    for (auto&& [key, node] : root) {
        (void)node;
        if (known.contains(key.str())) continue;
        std::string message = "unknown key " + text::quote_field(std::string(key.str()), '\'');
        if (auto suggestion = closest(key.str(), known); !suggestion.empty())
            message += " (did you mean " + text::quote_field(suggestion, '\'') + "?)";
        ctx.diag.error(key.source(), std::move(message));
    }
    check_probes_present(out, ctx);
    if (out.vantage.name.empty()) out.vantage.name = default_vantage_name();
}

}  // namespace
}  // namespace detail

const Probe* Config::find_probe(std::string_view name) const {
    auto it =
        std::find_if(probes.begin(), probes.end(), [&](const Probe& p) { return p.name == name; });
    return it == probes.end() ? nullptr : &*it;
}

std::string_view to_string(ProbeKind k) {
    switch (k) {
        case ProbeKind::http:
            return "http";
        case ProbeKind::tencentcloud:
            return "tencentcloud";
        case ProbeKind::download:
            return "download";
    }
    return "?";
}

std::string_view to_string(ProbeRole r) {
    return r == ProbeRole::control ? "control" : "service";
}

LoadResult parse(std::string_view toml_text, const std::filesystem::path& file_for_messages) {
    detail::Diagnostics diag(file_for_messages.string());
    detail::Context ctx{std::filesystem::absolute(file_for_messages).parent_path(), diag};
    Config config;
    config.file = file_for_messages;
    config.storage.path = "/var/lib/slawatch/slawatch.db";

    try {
        const toml::table root = toml::parse(toml_text, file_for_messages.string());
        detail::read_root(root, ctx, config);
    } catch (const toml::parse_error& e) {
        diag.error(e.source(), "TOML syntax error: " + std::string(e.description()));
    }

    LoadResult result;
    if (diag.empty())
        result.config = std::move(config);
    else
        result.errors = diag.lines();
    return result;
}

LoadResult load(const std::filesystem::path& file) {
    constexpr std::size_t max_size = 1 << 20;  // a config is a few KiB; refuse anything absurd
    LoadResult result;
    auto fail = [&](const std::string& why) {
        result.errors.push_back(file.string() + ": cannot read the config file: " + why);
        return result;
    };
    // O_NONBLOCK: opening a FIFO returns at once (a plain open would wait
    // for a writer, and hang a command or the daemon's SIGHUP reload).
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return fail(std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int err = errno;
        ::close(fd);
        if (S_ISDIR(st.st_mode)) return fail("it is a directory");
        if (S_ISFIFO(st.st_mode)) return fail("it is a FIFO, not a regular file");
        return fail(S_ISREG(st.st_mode) ? std::strerror(err) : "it is not a regular file");
    }
    std::string text(max_size + 1, '\0');
    std::size_t size = 0;
    while (size < text.size()) {
        const auto n = ::read(fd, text.data() + size, text.size() - size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return fail(std::strerror(err));
        }
        if (n == 0) break;
        size += static_cast<std::size_t>(n);
    }
    ::close(fd);
    text.resize(size);
    if (size > max_size) {
        result.errors.push_back(file.string() + ": the config file is larger than 1 MiB");
        return result;
    }
    result = parse(text, file);
    if (result.config) result.config->file = std::filesystem::absolute(file).lexically_normal();
    return result;
}

}  // namespace slawatch::config
