// SPDX-License-Identifier: Apache-2.0
// The metrics listener under floods: half-open connections and slowloris clients
// cannot starve real scrapes (docs/configuration.md "[metrics]"). First against
// the listener in process with short limits, then against the real daemon's
// /metrics with its defaults; the figures are printed with "reliability:".

#include "daemon/metrics_server.hpp"
#include "support/process.hpp"

#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using slawatch::testing::Process;
using slawatch::testing::TempDir;
namespace t = slawatch::testing;
using steady = std::chrono::steady_clock;

namespace {

int connect_loopback(std::uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

// One real scrape: the status code, or 0 when it was not answered within 5 s.
int scrape(std::uint16_t port, const std::string& target) {
    const int fd = connect_loopback(port);
    if (fd < 0) return 0;
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    std::string resp;
    if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
        char buf[65536];
        for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
            resp.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    if (resp.size() < 12 || !resp.starts_with("HTTP/1.1 ")) return 0;
    return std::stoi(resp.substr(9, 3));
}

// Keeps `half_open` connections that never send a byte and `slowloris`
// connections that send a request one byte every 200 ms; whatever the server
// closes is opened again at once, for as long as the flood runs.
class Flood {
public:
    Flood(std::uint16_t port, int half_open, int slowloris)
        : port_(port), half_open_(half_open), slowloris_(slowloris), thread_([this] { loop(); }) {}
    ~Flood() {
        stop_ = true;
        thread_.join();
    }
    int opened() const { return opened_; }

private:
    struct Conn {
        int fd = -1;
        bool slow = false;
        std::size_t sent = 0;
    };

    void open(Conn& c) {
        c.fd = connect_loopback(port_);
        c.sent = 0;
        if (c.fd >= 0) {
            fcntl(c.fd, F_SETFL, O_NONBLOCK);
            ++opened_;
        }
    }

    void loop() {
        static const std::string slow_request =
            "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(4000, 'p') +
            "\r\n\r\n";
        std::vector<Conn> conns(static_cast<std::size_t>(half_open_ + slowloris_));
        for (std::size_t i = 0; i < conns.size(); ++i) {
            conns[i].slow = i < static_cast<std::size_t>(slowloris_);
            open(conns[i]);
        }
        auto next_drip = steady::now();
        while (!stop_) {
            const bool drip = steady::now() >= next_drip;
            if (drip) next_drip += 200ms;
            for (Conn& c : conns) {
                if (c.fd < 0) {
                    open(c);
                    continue;
                }
                char buf[4096];
                const ssize_t n = read(c.fd, buf, sizeof buf);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                    close(c.fd);  // dropped by the server: come back at once
                    open(c);
                    continue;
                }
                if (c.slow && drip && c.sent < slow_request.size()) {
                    if (send(c.fd, slow_request.data() + c.sent, 1, MSG_NOSIGNAL) == 1) ++c.sent;
                }
            }
            std::this_thread::sleep_for(20ms);
        }
        for (Conn& c : conns)
            if (c.fd >= 0) close(c.fd);
    }

    std::uint16_t port_;
    int half_open_;
    int slowloris_;
    std::atomic<bool> stop_{false};
    std::atomic<int> opened_{0};
    std::thread thread_;
};

struct ScrapeFigures {
    int answered = 0;
    int total = 0;
    std::chrono::milliseconds worst{0};
};

// `n` real scrapes, one every `every`, while the flood runs.
ScrapeFigures scrape_during_flood(std::uint16_t port, int n, std::chrono::milliseconds every) {
    ScrapeFigures f;
    for (int i = 0; i < n; ++i) {
        const auto start = steady::now();
        const int status = scrape(port, i % 2 ? "/healthz" : "/metrics");
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
        ++f.total;
        if (status == 200) ++f.answered;
        f.worst = std::max(f.worst, took);
        std::this_thread::sleep_for(every);
    }
    return f;
}

}  // namespace

TEST_CASE("the metrics listener answers scrapes through a flood of half-open and slow clients",
          "[reliability][metrics]") {
    boost::asio::io_context io;
    slawatch::daemon::ListenerLimits limits;
    limits.read_timeout = 500ms;
    limits.max_connections = 16;
    slawatch::daemon::MetricsServer server(
        io.get_executor(), {boost::asio::ip::make_address("127.0.0.1"), 0},
        [](const std::string& target, slawatch::daemon::MetricsServer::Respond respond) {
            respond({target == "/metrics" || target == "/healthz" ? 200u : 404u,
                     "text/plain; charset=utf-8", "ok\n"});
        },
        limits);
    const auto port = server.local_endpoint().port();
    // Stopped and joined however the test case ends; the server is then
    // destroyed on this thread with the loop no longer running.
    struct Runner {
        boost::asio::io_context& io;
        std::thread thread{[this] { io.run(); }};
        ~Runner() {
            io.stop();
            thread.join();
        }
    } runner{io};

    SECTION("a request line and headers over the limit get 400") {
        const int fd = connect_loopback(port);
        REQUIRE(fd >= 0);
        timeval tv{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        // Over 8 KiB but within what the listener reads, so the reply is not lost to a reset.
        const std::string req = "GET /" + std::string(8500, 'a') + " HTTP/1.1\r\n\r\n";
        CHECK(send(fd, req.data(), req.size(), MSG_NOSIGNAL) > 0);
        char buf[256];
        const ssize_t n = read(fd, buf, sizeof buf);
        close(fd);
        REQUIRE(n > 12);
        CHECK(std::string(buf, 12) == "HTTP/1.1 400");
    }
    SECTION("a client that never finishes its request is dropped after the read timeout") {
        const int fd = connect_loopback(port);
        REQUIRE(fd >= 0);
        timeval tv{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        CHECK(send(fd, "GET /metrics HTTP/1.1\r\n", 23, MSG_NOSIGNAL) == 23);
        const auto start = steady::now();
        char buf[64];
        const ssize_t n = read(fd, buf, sizeof buf);  // 0: closed by the server
        const auto took = steady::now() - start;
        close(fd);
        CHECK(n == 0);
        CHECK(took < 3s);
    }
    SECTION("100 half-open and 20 slowloris connections against a cap of 16") {
        ScrapeFigures f;
        int opened = 0;
        {
            Flood flood(port, 100, 20);
            std::this_thread::sleep_for(300ms);
            f = scrape_during_flood(port, 20, 50ms);
            opened = flood.opened();
        }
        std::printf(
            "reliability: metrics listener in process: %d/%d scrapes answered, worst %lld ms, "
            "%d flood connections opened\n",
            f.answered, f.total, static_cast<long long>(f.worst.count()), opened);
        std::fflush(stdout);
        CHECK(f.answered == f.total);
        CHECK(opened > 120);  // the flood really ran and was being dropped
    }
}

TEST_CASE(
    "the daemon's /metrics answers every scrape through 300 half-open connections and "
    "slowloris clients",
    "[reliability][metrics]") {
    TempDir dir;
    const auto metrics_port = t::free_port();
    const auto closed_port = t::free_port();
    dir.write("slawatch.toml", R"([contract]
name = "flood"
timezone = "UTC"
start = 2026-01-01
months = 12
monthly_fee = "1000.00"

[storage]
path = "slawatch.db"

[metrics]
listen = "127.0.0.1:)" + std::to_string(metrics_port) +
                                   R"("

[[probe]]
name = "gone"
kind = "http"
url = "http://127.0.0.1:)" + std::to_string(closed_port) +
                                   R"(/"
timeout = "1s"
)");
    Process daemon({t::slawatch_bin(), "run", "--config", (dir / "slawatch.toml").string(),
                    "--log-format", "plain"},
                   dir.path());
    REQUIRE(t::wait_for_port(metrics_port, 10s));
    REQUIRE(scrape(metrics_port, "/healthz") == 200);

    ScrapeFigures f;
    int opened = 0;
    {
        Flood flood(metrics_port, 300, 30);
        std::this_thread::sleep_for(500ms);  // the flood is established before the scrapes
        f = scrape_during_flood(metrics_port, 40, 100ms);
        opened = flood.opened();
    }
    std::printf(
        "reliability: daemon /metrics flood: %d/%d scrapes answered, worst %lld ms, "
        "300 half-open + 30 slowloris kept up (%d connections opened)\n",
        f.answered, f.total, static_cast<long long>(f.worst.count()), opened);
    std::fflush(stdout);
    INFO(daemon.err());
    CHECK(f.answered == f.total);
    CHECK(daemon.running());
}
