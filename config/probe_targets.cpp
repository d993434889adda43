// SPDX-License-Identifier: Apache-2.0
#include "config/probe_targets.hpp"
#include "text/escape.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace slawatch::config::detail {

namespace {

bool all_chars(std::string_view text, std::string_view allowed) {
    return !text.empty() && text.find_first_not_of(allowed) == std::string_view::npos;
}

constexpr std::string_view token_chars =
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

}  // namespace

void accept_all_target_keys(Section& s) {
    for (std::string_view key :
         {"url", "method", "headers", "body", "expect_status", "body_contains", "ca_file",
          "insecure", "endpoint", "service", "action", "version", "region", "payload",
          "secret_id_file", "secret_key_file", "token_file", "url_field", "range"})
        s.accept(key);
}

void read_http_target(Section& s, Context& ctx, HttpOptions& out) {
    if (read_http_url(s, "url", true, true)) out.url = *s.table().get("url")->value<std::string>();
    if (auto method = s.choice(
            "method", {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}, "method"))
        out.method = *method;
    if (const toml::table* headers = s.subtable("headers")) {
        for (auto&& [key, value] : *headers) {
            const std::string name = "probe.headers." + std::string(key.str());
            if (!all_chars(key.str(), token_chars)) {
                ctx.diag.error(key.source(), "probe.headers: bad header name " +
                                                 text::quote_field(std::string(key.str()), '\''));
            } else if (!value.is_string()) {
                ctx.diag.error(value,
                               name + ": expected a string, got " + std::string(type_name(value)));
            } else if (value.as_string()->get().find_first_of("\r\n") != std::string::npos) {
                ctx.diag.error(value, name + ": must not contain a line break");
            } else {
                out.headers.emplace_back(key.str(), value.as_string()->get());
            }
        }
    }
    if (auto body = s.string("body")) out.body = *body;
    if (const toml::array* statuses = s.array("expect_status")) {
        std::vector<int> codes;
        for (const toml::node& item : *statuses) {
            const auto* code = item.as_integer();
            if (!code || code->get() < 100 || code->get() > 599) {
                ctx.diag.error(item,
                               "probe.expect_status: expected an HTTP status from 100 to 599");
                continue;
            }
            codes.push_back(static_cast<int>(code->get()));
        }
        if (statuses->empty())
            ctx.diag.error(*s.table().get("expect_status"),
                           "probe.expect_status: needs at least one status");
        else if (codes.size() == statuses->size())
            out.expect_status = std::move(codes);
    }
    if (auto contains = s.string("body_contains")) out.body_contains = *contains;
    if (auto ca = s.string("ca_file")) out.ca_file = ctx.resolve(*ca);
    if (auto insecure = s.boolean("insecure")) out.insecure = *insecure;
}

std::string default_api_host(std::string_view service, std::string_view region) {
    // Mainland China regions use the mainland host; every other region the international one.
    static constexpr std::string_view mainland[] = {"ap-guangzhou", "ap-shanghai",  "ap-beijing",
                                                    "ap-chengdu",   "ap-chongqing", "ap-nanjing",
                                                    "ap-shenzhen"};
    const bool in_mainland = std::any_of(std::begin(mainland), std::end(mainland), [&](auto r) {
        return region == r || (region.starts_with(r) && region[r.size()] == '-');
    });
    return std::string(service) +
           (in_mainland ? ".tencentcloudapi.com" : ".intl.tencentcloudapi.com");
}

std::string_view default_api_version(std::string_view service) {
    if (service == "tcmpp") return "2024-08-01";
    if (service == "tcsas") return "2025-01-06";
    return {};
}

namespace {

// `endpoint`: a bare origin; the signing service defaults to its host's first label.
void read_endpoint(Section& s, Context& ctx, TencentCloudOptions& out) {
    if (auto url = read_http_url(s, "endpoint", false, true)) {
        const toml::node& where = *s.table().get("endpoint");
        if ((!url->encoded_path().empty() && url->encoded_path() != "/") || url->has_query() ||
            url->has_fragment()) {
            ctx.diag.error(where,
                           "probe.endpoint: must be a bare origin like "
                           "\"https://tcmpp.tencentcloudapi.com\" (no path or query)");
        } else {
            out.endpoint = *where.value<std::string>();
            if (out.endpoint.ends_with('/')) out.endpoint.pop_back();
        }
        // The signing service defaults to the host's first label: tcmpp.tencentcloudapi.com ->
        // tcmpp.
        const std::string host(url->encoded_host());
        if (url->host_type() == boost::urls::host_type::name)
            out.service = host.substr(0, host.find('.'));
        else if (!s.has("service"))
            ctx.diag.error(where,
                           "probe.endpoint: the host is an IP address; set 'service' for signing");
    }
}

// `service`, `action` (read-only Describe* only) and `region`.
void read_api_names(Section& s, Context& ctx, TencentCloudOptions& out) {
    if (auto service = s.string("service")) {
        if (all_chars(*service, "abcdefghijklmnopqrstuvwxyz0123456789-"))
            out.service = *service;
        else
            ctx.diag.error(*s.table().get("service"),
                           "probe.service: bad service name " + text::quote_field(*service, '\''));
    }
    // A probe must never change anything: only read-only Describe* actions.
    if (auto action = s.string("action", true)) {
        const toml::node& where = *s.table().get("action");
        if (!all_chars(*action, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
            ctx.diag.error(where,
                           "probe.action: bad action name " + text::quote_field(*action, '\''));
        else if (!action->starts_with("Describe"))
            ctx.diag.error(where,
                           "probe.action: only read-only Describe* actions may be probed, got " +
                               text::quote_field(*action, '\''));
        else
            out.action = *action;
    }
    if (auto region = s.string("region")) {
        if (region->empty() || all_chars(*region, "abcdefghijklmnopqrstuvwxyz0123456789-"))
            out.region = *region;
        else
            ctx.diag.error(*s.table().get("region"),
                           "probe.region: bad region " + text::quote_field(*region, '\''));
    }
}

// Without an endpoint the host follows service and region; each service has
// one API version, another service must name its own.
void read_host_and_version(Section& s, Context& ctx, bool has_endpoint, TencentCloudOptions& out) {
    if (!has_endpoint) {
        if (out.service.empty()) out.service = "tcmpp";
        // The API requires Region, and the default host depends on it.
        if (out.region.empty() && !s.has("region"))
            ctx.diag.error(s.table().source(),
                           "probe: missing required key 'region' (needed without 'endpoint', e.g. "
                           "\"ap-guangzhou\" or \"ap-singapore\")");
        out.endpoint = "https://" + default_api_host(out.service, out.region);
    }
    // Each service has one API version; another service must name its own.
    const bool version_known = !default_api_version(out.service).empty();
    if (auto version = s.string("version", !version_known)) {
        if (sla::parse_date(*version))
            out.version = *version;
        else
            ctx.diag.error(*s.table().get("version"), "probe.version: bad API version " +
                                                          text::quote_field(*version, '\'') +
                                                          " (expected YYYY-MM-DD)");
    } else if (!s.has("version")) {
        out.version = default_api_version(out.service);
    }
}

// `payload` (sent as written) and the paths of the secret and CA files.
void read_payload_and_files(Section& s, Context& ctx, TencentCloudOptions& out) {
    if (auto payload = s.string("payload")) {
        boost::system::error_code ec;
        const boost::json::value json = boost::json::parse(*payload, ec);
        const toml::node& where = *s.table().get("payload");
        if (ec)
            ctx.diag.error(where, "probe.payload: not valid JSON (" + ec.message() + ")");
        else if (!json.is_object())
            ctx.diag.error(where, "probe.payload: must be a JSON object");
        else
            out.payload = *payload;  // sent as written: the signature covers these exact bytes
    }
    // Only the paths: the probe reads the files when it starts (R12). Both are
    // optional: without them the probe takes TENCENTCLOUD_SECRET_ID/KEY from the
    // environment, then $CREDENTIALS_DIRECTORY (systemd LoadCredential=).
    if (auto file = s.string("secret_id_file")) out.secret_id_file = ctx.resolve(*file);
    if (auto file = s.string("secret_key_file")) out.secret_key_file = ctx.resolve(*file);
    if (auto file = s.string("token_file")) out.token_file = ctx.resolve(*file);
    if (auto ca = s.string("ca_file")) out.ca_file = ctx.resolve(*ca);
    if (auto insecure = s.boolean("insecure")) out.insecure = *insecure;
}

// kind = "download": where the package URL is in the answer, and the Range asked for.
void read_download_keys(Section& s, Context& ctx, TencentCloudOptions& out) {
    if (auto field = s.string("url_field")) {
        if (all_chars(*field, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") &&
            !field->starts_with('.') && !field->ends_with('.') &&
            field->find("..") == std::string::npos)
            out.url_field = *field;
        else
            ctx.diag.error(*s.table().get("url_field"), "probe.url_field: bad field path " +
                                                            text::quote_field(*field, '\'') +
                                                            " (expected e.g. \"Data.Data\")");
    }
    if (auto range = s.string("range")) {
        if (range->starts_with("bytes=") && range->size() > 6 &&
            all_chars(range->substr(6), "0123456789-,"))
            out.range = *range;
        else
            ctx.diag.error(*s.table().get("range"), "probe.range: bad range " +
                                                        text::quote_field(*range, '\'') +
                                                        " (expected e.g. \"bytes=0-1023\")");
    }
}

}  // namespace

void read_tencentcloud_target(Section& s, Context& ctx, bool download, TencentCloudOptions& out) {
    // Without an endpoint the host follows service (default tcmpp) and region.
    const bool has_endpoint = s.has("endpoint");
    read_endpoint(s, ctx, out);
    read_api_names(s, ctx, out);
    read_host_and_version(s, ctx, has_endpoint, out);
    read_payload_and_files(s, ctx, out);
    if (download) read_download_keys(s, ctx, out);
}

}  // namespace slawatch::config::detail
