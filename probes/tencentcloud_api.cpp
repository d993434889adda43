// SPDX-License-Identifier: Apache-2.0
// TencentCloud API 3.0: secrets, TC3-signed requests, and what an answer means.

#include "probes/tencentcloud_api.hpp"

#include "net/server_text.hpp"
#include "probes/answer_shape.hpp"
#include "probes/probe.hpp"
#include "probes/probe_support.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace slawatch::probes::detail {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

std::string read_secret_file(const config::Probe& p, std::string_view what,
                             const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ProbeSetupError("probe " + p.name + ": cannot read " + std::string(what) + " " +
                              path + ": " + std::strerror(errno));
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    s = trim_right(std::move(s));
    if (s.empty())
        throw ProbeSetupError("probe " + p.name + ": " + std::string(what) + " " + path +
                              " is empty");
    return s;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? trim_right(v) : std::string();
}

// One secret, by the order documented in the header.
std::string find_secret(const config::Probe& p, const std::string& file_key_value,
                        std::string_view file_key, const char* env_name,
                        std::string_view credential_name) {
    if (!file_key_value.empty()) return read_secret_file(p, file_key, file_key_value);
    if (std::string v = env(env_name); !v.empty()) return v;
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) {
        const auto path = std::filesystem::path(dir) / credential_name;
        std::error_code ec;
        if (std::filesystem::exists(path, ec))
            return read_secret_file(p, "credential", path.string());
    }
    throw ProbeSetupError("probe " + p.name + ": no " + std::string(credential_name) + ": set " +
                          std::string(file_key) + ", or " + env_name +
                          ", or LoadCredential=" + std::string(credential_name));
}

// The first label of the host: "tcmpp.tencentcloudapi.com" -> "tcmpp".
std::string first_label(const std::string& host) {
    return host.substr(0, host.find('.'));
}

// A dotted path ("Data.TotalCount") below `root`; nullptr when any step is missing.
const json::value* find_path(const json::object& root, std::string_view path) {
    const json::object* obj = &root;
    const json::value* v = nullptr;
    while (true) {
        const auto dot = path.find('.');
        v = obj->if_contains(path.substr(0, dot));
        if (!v || dot == std::string_view::npos) return v;
        obj = v->if_object();
        if (!obj) return nullptr;
        path.remove_prefix(dot + 1);
    }
}

}  // namespace

tc3::Credentials load_credentials(const config::Probe& p) {
    tc3::Credentials c;
    c.secret_id = find_secret(p, p.tc.secret_id_file, "secret_id_file", "TENCENTCLOUD_SECRET_ID",
                              "secret_id");
    c.secret_key = find_secret(p, p.tc.secret_key_file, "secret_key_file",
                               "TENCENTCLOUD_SECRET_KEY", "secret_key");
    if (!p.tc.token_file.empty()) {
        c.token = read_secret_file(p, "token_file", p.tc.token_file);
    } else if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) {
        const auto path = std::filesystem::path(dir) / "token";
        std::error_code ec;
        if (std::filesystem::exists(path, ec))
            c.token = read_secret_file(p, "credential", path.string());
    }
    return c;
}

TcTarget setup_tencentcloud(const config::Probe& p) {
    TcTarget t;
    t.url = setup_url(p, "endpoint", p.tc.endpoint);
    t.tls = setup_tls(p, p.tc.ca_file, p.tc.insecure);
    t.service = p.tc.service.empty() ? first_label(t.url->host) : p.tc.service;
    t.credentials = load_credentials(p);
    return t;
}

std::shared_ptr<const net::Request> signed_request(const config::TencentCloudOptions& o,
                                                   const TcTarget& t, std::int64_t timestamp) {
    tc3::Request sign;
    sign.host = t.url->host_header;
    sign.service = t.service;
    sign.content_type = tc_content_type;
    sign.payload = o.payload;
    sign.timestamp = timestamp;

    auto req = std::make_shared<net::Request>(bhttp::verb::post, "/", 11);
    // Signing step 4 (docs/tencentcloud-api.md); Host and Content-Type exactly as signed.
    req->set(bhttp::field::host, t.url->host_header);
    req->set(bhttp::field::content_type, tc_content_type);
    req->set(bhttp::field::authorization, tc3::authorization(t.credentials, sign));
    req->set("X-TC-Action", o.action);
    req->set("X-TC-Version", o.version);
    req->set("X-TC-Timestamp", std::to_string(timestamp));
    if (!o.region.empty()) req->set("X-TC-Region", o.region);
    if (!t.credentials.token.empty()) req->set("X-TC-Token", t.credentials.token);
    req->set(bhttp::field::user_agent, "slawatch/0.1");
    req->set(bhttp::field::connection, "close");
    req->body() = o.payload;
    req->prepare_payload();
    return req;
}

void judge_api_response(const net::Response& r, std::string_view action, sla::Sample& s,
                        std::string_view want_field, std::string* value) {
    // The API answers 200 for everything its backend processed; anything else
    // is a gateway or network fault.
    if (r.status != 200) {
        s.outcome = sla::outcome_of_http_status(r.status);
        s.detail = "HTTP status " + std::to_string(r.status);
        return;
    }
    unsigned char scratch[4096];
    json::monotonic_resource mr(scratch, sizeof scratch);
    boost::system::error_code ec;
    const json::value root = json::parse(r.body, ec, &mr);
    const json::object* obj = ec ? nullptr : root.if_object();
    const json::value* resp_v = obj ? obj->if_contains("Response") : nullptr;
    const json::object* resp = resp_v ? resp_v->if_object() : nullptr;
    if (!resp) {
        s.outcome = sla::Outcome::bad_response;
        s.detail = ec ? "answer is not JSON" : "answer has no Response object";
        return;
    }
    const json::value* id = resp->if_contains("RequestId");
    if (!id || !id->is_string() || id->get_string().empty()) {
        // Every answer of the service carries one: JSON without it is a proxy's.
        s.outcome = sla::Outcome::bad_response;
        s.detail = "answer has no Response.RequestId";
        return;
    }
    s.request_id = net::server_text(id->get_string(), net::server_text_limits::request_id);
    if (const json::value* err = resp->if_contains("Error")) {
        const json::value* code =
            err->is_object() ? err->get_object().if_contains("Code") : nullptr;
        if (!code || !code->is_string() || code->get_string().empty()) {
            s.outcome = sla::Outcome::bad_response;
            s.detail = "Response.Error has no Code";
            return;
        }
        // Key logic on Code, never on Message. R4: the built-in table here;
        // [attribution] overrides apply when minutes are derived.
        // Bounded before use: the code is stored and quoted in the detail.
        s.error_code = net::server_text(code->get_string(), net::server_text_limits::error_code);
        s.outcome = sla::outcome_of_api_error(s.error_code);
        s.detail = "API error " + s.error_code;
        return;
    }
    if (auto problem = shape_problem(action, *resp)) {
        s.outcome = sla::Outcome::bad_response;
        s.detail = std::move(*problem);
        return;
    }
    if (!want_field.empty()) {
        const json::value* v = find_path(*resp, want_field);
        if (!v || !v->is_string() || v->get_string().empty()) {
            s.outcome = sla::Outcome::bad_response;
            s.detail = "answer has no URL at Response." + std::string(want_field);
            return;
        }
        if (value) value->assign(v->get_string().data(), v->get_string().size());
    }
    s.outcome = sla::Outcome::ok;
}

}  // namespace slawatch::probes::detail
