// SPDX-License-Identifier: Apache-2.0
// Alert hooks end to end: the real daemon against tcmpp-sim on 127.0.0.1, one
// real down minute (R1: minutes are never shortened for tests), an exec hook,
// a loopback webhook receiver that is down at first, a hook that hangs, and a
// restart in the middle of the incident. Takes about 2 to 3 minutes.

#include "alerts/outbox.hpp"
#include "storage/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wall_clock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

std::string hmac_hex(const std::string& key, const std::string& body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[mac[i] >> 4];
        out += hex[mac[i] & 15];
    }
    return out;
}

// A loopback webhook receiver (Asio): records each POST and answers 204.
class Receiver {
public:
    struct Request {
        std::string signature;
        std::string event_type;
        std::string content_type;
        std::string body;
    };

    explicit Receiver(std::uint16_t port)
        : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), port}) {
        do_accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~Receiver() {
        io_.stop();
        thread_.join();
    }

    std::vector<Request> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    struct Conn {
        asio::ip::tcp::socket socket;
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::response<http::empty_body> res;
    };

    void do_accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            auto c = std::make_shared<Conn>(Conn{std::move(s), {}, {}, {}});
            http::async_read(c->socket, c->buffer, c->req,
                             [this, c](boost::system::error_code ec, std::size_t) { on_read(c, ec); });
            do_accept();
        });
    }

    void on_read(std::shared_ptr<Conn> c, boost::system::error_code ec) {
        if (ec) return;
        {
            std::lock_guard lock(mutex_);
            requests_.push_back({std::string(c->req["X-Slawatch-Signature"]),
                                 std::string(c->req["X-Slawatch-Event"]),
                                 std::string(c->req[http::field::content_type]), c->req.body()});
        }
        c->res.result(http::status::no_content);
        c->res.version(11);
        c->res.keep_alive(false);
        http::async_write(c->socket, c->res, [c](boost::system::error_code, std::size_t) {
            boost::system::error_code ignored;
            c->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        });
    }

    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<Request> requests_;
};

// Lines of the exec hook's log: "<type> <id> <json>".
std::vector<std::string> lines_of(const std::filesystem::path& file) {
    std::vector<std::string> out;
    if (!std::filesystem::exists(file)) return out;
    std::istringstream in(read_file(file));
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

int count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
    return static_cast<int>(std::count_if(lines.begin(), lines.end(),
                                          [&](const auto& l) { return l.starts_with(prefix); }));
}

std::string executable(const TempDir& dir, const std::string& name, const std::string& text) {
    const auto path = dir.write(name, text);
    ::chmod(path.c_str(), 0755);
    return path.string();
}

const std::string webhook_secret = "whsec-4f1d2b-DO-NOT-LEAK";
const std::string api_secret_key = "testsecretkeytestsecretkey000001";

}  // namespace

TEST_CASE("alerts: check-config rejects a bad hook with exit 2", "[alerts][daemon]") {
    TempDir dir;
    const auto file = dir.write("bad.toml", R"([contract]
start = 2026-06-01
months = 1
monthly_fee = "1"

[[probe]]
name = "p"
kind = "http"
url = "http://127.0.0.1:9/"

[[alert]]
name = "mail"
kind = "exec"
events = ["incident_opened", "outage"]
)");
    const auto r = run({slawatch_bin(), "check-config", "--config", file.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.toml:11:1: alert: missing required key 'command'") != std::string::npos);
    CHECK(r.err.find("bad.toml:14:30: alert.events: unknown event type 'outage'") != std::string::npos);
}

TEST_CASE("alerts: an outage reaches exec and webhook hooks once each, across a restart",
          "[alerts][daemon]") {
    TempDir dir;
    const auto sim_port = free_port();
    const auto hook_port = free_port();
    const auto metrics_port = free_port();

    // The first whole minute is down, the next one up; the clock starts just before it.
    auto clock = TestClock::before_minute(10'000);
    const sla::EpochMinute m1 = clock.now_ms() / 60'000 + 1;
    dir.write("faults.toml", "[[fault]]\nkind = \"http_5xx\"\nfrom = " + utc(m1 * 60) +
                                 "\nuntil = " + utc((m1 + 1) * 60) + "\n");
    dir.write("creds/secret_id", "AKIDtestsecretid0001\n");
    dir.write("creds/secret_key", api_secret_key + "\n");
    dir.write("hook.secret", webhook_secret + "\n");
    Process sim({tcmpp_sim_bin(), "--listen", "127.0.0.1:" + std::to_string(sim_port), "--faults",
                 (dir / "faults.toml").string(), "--credentials-dir", (dir / "creds").string(),
                 "--quiet"},
                dir.path(), clock.env());
    REQUIRE(wait_for_port(sim_port, seconds(10)));

    const auto log_hook = executable(dir, "log-hook.sh", R"(#!/bin/sh
printf '%s %s ' "$SLAWATCH_EVENT_TYPE" "$SLAWATCH_EVENT_ID" >> "$0.log"
cat >> "$0.log"
echo >> "$0.log"
)");
    // Hangs on its first call (killed at the timeout), delivers on the retry.
    const auto hang_hook = executable(dir, "hang-hook.sh", R"(#!/bin/sh
if [ ! -e "$0.first" ]; then
  echo $$ > "$0.first"
  exec sleep 60
fi
printf '%s %s\n' "$SLAWATCH_EVENT_TYPE" "$SLAWATCH_EVENT_ID" >> "$0.log"
)");
    const auto today = clock.now_ms() / 1000;
    const std::string config =
        "[contract]\nname = \"alerts-test\"\ntimezone = \"UTC\"\nstart = " +
        utc(today - 86400).substr(0, 10) +
        "\nmonths = 2\nmonthly_fee = \"1000.00\"\nstandard = \"99.9999\"\n\n"
        "[monitor]\nprobes_per_minute = 12\nmin_samples = 3\n\n"
        "[storage]\npath = \"slawatch.db\"\n\n[metrics]\nlisten = \"127.0.0.1:" +
        std::to_string(metrics_port) +
        "\"\n\n[[probe]]\nname = \"management\"\nkind = \"tencentcloud\"\n"
        "endpoint = \"http://127.0.0.1:" +
        std::to_string(sim_port) +
        "\"\nservice = \"tcmpp\"\naction = \"DescribeMNPList\"\nversion = \"2024-08-01\"\nregion = \"ap-guangzhou\"\n"
        "payload = '{\"PlatformId\": \"T1\", \"Offset\": 0, \"Limit\": 1}'\n"
        "secret_id_file = \"creds/secret_id\"\nsecret_key_file = \"creds/secret_key\"\n"
        "timeout = \"2s\"\n\n"
        "[[alert]]\nname = \"log\"\nkind = \"exec\"\ncommand = [\"" + log_hook + "\"]\n"
        "events = [\"incident_opened\", \"incident_resolved\", \"budget\"]\n\n"
        "[[alert]]\nname = \"chat\"\nkind = \"webhook\"\nurl = \"http://127.0.0.1:" +
        std::to_string(hook_port) +
        "/slawatch\"\nsecret_file = \"hook.secret\"\nbackoff = \"1s\"\nmax_backoff = \"2s\"\n"
        "events = [\"incident_opened\", \"incident_resolved\", \"budget\"]\n\n"
        "[[alert]]\nname = \"hang\"\nkind = \"exec\"\ncommand = [\"" + hang_hook + "\"]\n"
        "events = [\"incident_opened\"]\ntimeout = \"2s\"\nbackoff = \"1s\"\n";
    const auto config_file = dir.write("slawatch.toml", config);
    const auto checked = run({slawatch_bin(), "check-config", "--config", config_file.string()});
    INFO(checked.err);
    REQUIRE(checked.exit_code == 0);

    auto daemon = std::make_unique<Process>(
        std::vector<std::string>{slawatch_bin(), "run", "--config", config_file.string(),
                                 "--log-format", "plain"},
        dir.path(), clock.env());
    REQUIRE(wait_for_port(metrics_port, seconds(10)));

    // Minute m1 is down: once it is finalized the incident opens and the whole
    // (zero) error budget is spent: 50, 75 and 100 % fire at once.
    const auto log_file = log_hook + ".log";
    const auto opened = "incident_opened incident_opened:" + std::to_string(m1);
    const bool was_opened = eventually([&] { return count_prefix(lines_of(log_file), opened) == 1; },
                                       milliseconds((m1 + 1) * 60'000 - clock.now_ms() + 25'000));
    INFO("daemon log:\n" << daemon->err() << daemon->out() << "\nhook log:\n"
                          << (std::filesystem::exists(log_file) ? read_file(log_file) : ""));
    REQUIRE(was_opened);
    CHECK(eventually(
        [&] { return count_prefix(lines_of(log_file), "budget budget:") == 3; }, seconds(5)));
    INFO("daemon log:\n" << daemon->err() << daemon->out());

    // The hanging hook was killed at its 2 s timeout and delivered on the retry.
    CHECK(eventually([&] { return lines_of(hang_hook + ".log").size() == 1; }, seconds(10)));
    const auto hung_pid = std::stoi(read_file(hang_hook + ".first"));
    CHECK(::kill(hung_pid, 0) == -1);

    // The receiver was down so far; it gets every event once it is up.
    auto receiver = std::make_unique<Receiver>(hook_port);
    CHECK(eventually([&] { return receiver->requests().size() == 4; }, seconds(10)));

    // Restart in the middle of the incident (minute m1 + 1 is running), once the
    // first run has probed it 4 times (min_samples is 3).
    REQUIRE(clock.now_ms() / 60'000 == m1 + 1);
    sleep_until_ms((m1 + 1) * 60'000 + 17'000 - clock.offset_ms());
    daemon->signal(SIGTERM);
    REQUIRE(daemon->wait(seconds(10)) == 0);
    const auto run1_err = daemon->err() + daemon->out();
    CHECK(run1_err.find("alert chat: delivery failing") != std::string::npos);
    CHECK(run1_err.find("alert hang: delivery failing (killed after the 2000 ms timeout)") !=
          std::string::npos);
    // The second run starts near the end of m1 + 1: the seconds between are time
    // the daemon was down, passed on its clock instead of waited for.
    clock.advance(std::max<std::int64_t>(0, (m1 + 2) * 60'000 - 8'000 - clock.now_ms()));
    daemon = std::make_unique<Process>(
        std::vector<std::string>{slawatch_bin(), "run", "--config", config_file.string(),
                                 "--log-format", "plain"},
        dir.path(), clock.env());
    REQUIRE(wait_for_port(metrics_port, seconds(10)));

    // Minute m1 + 1 is up: the incident the first run opened is resolved by the second.
    const auto resolved = "incident_resolved incident_resolved:" + std::to_string(m1);
    REQUIRE(eventually([&] { return count_prefix(lines_of(log_file), resolved) == 1; },
                       milliseconds((m1 + 2) * 60'000 - clock.now_ms() + 25'000)));
    const auto lines = lines_of(log_file);
    CHECK(lines.size() == 5);
    CHECK(count_prefix(lines, opened) == 1);
    CHECK(count_prefix(lines, "budget budget:") == 3);  // not again after the restart
    {
        const auto& line = *std::find_if(lines.begin(), lines.end(),
                                         [&](const auto& l) { return l.starts_with(resolved); });
        const auto body = boost::json::parse(line.substr(line.find('{'))).as_object();
        CHECK(body.at("duration_minutes").as_int64() == 1);
        CHECK(body.at("down_minutes").as_int64() == 1);
        CHECK(body.at("outcomes").at("http_5xx").as_int64() >= 3);
    }

    // The webhook got the same five, each once, signed, as JSON.
    REQUIRE(eventually([&] { return receiver->requests().size() == 5; }, seconds(10)));
    std::set<std::string> ids;
    for (const auto& r : receiver->requests()) {
        CHECK(r.content_type == "application/json");
        CHECK(r.signature == "sha256=" + hmac_hex(webhook_secret, r.body));
        const auto body = boost::json::parse(r.body).as_object();
        CHECK(body.at("type").as_string() == r.event_type);
        ids.insert(std::string(body.at("id").as_string()));
    }
    CHECK(ids.size() == 5);

    // /metrics and `alerts list` show the deliveries.
    const auto list = run({slawatch_bin(), "alerts", "list", "--config", config_file.string(),
                           "--format", "json", "--limit", "50"});
    REQUIRE(list.exit_code == 0);
    const auto events = boost::json::parse(list.out).as_array();
    bool hang_retried = false;
    for (const auto& e : events) {
        for (const auto& d : e.at("deliveries").as_array()) {
            if (d.at("hook").as_string() == "hang") {
                hang_retried = d.at("attempts").as_int64() == 2 && d.at("state").as_string() == "delivered";
            }
        }
    }
    CHECK(hang_retried);

    daemon->signal(SIGTERM);
    REQUIRE(daemon->wait(seconds(10)) == 0);

    // R12: no secret in the logs, the events or the database (with its WAL).
    std::string everything = daemon->err() + daemon->out() + run1_err + list.out;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        if (e.path().filename().string().starts_with("slawatch.db")) everything += read_file(e.path());
    CHECK(everything.find(webhook_secret) == std::string::npos);
    CHECK(everything.find(api_secret_key) == std::string::npos);
    CHECK(everything.find("incident_opened:" + std::to_string(m1)) != std::string::npos);
}
