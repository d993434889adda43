// SPDX-License-Identifier: Apache-2.0
// exec hooks: the configured argv, run without a shell (posix_spawn), the
// event JSON on stdin, an allow-listed environment, no descriptor of the
// daemon's but 0-2, killed with its process group at the timeout.

#include "alerts/hook.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <cstring>
#include <mutex>

extern char** environ;

namespace slawatch::alerts {
namespace asio = boost::asio;
using namespace std::chrono_literals;

std::vector<std::string> hook_environment(const char* const* parent, const Delivery& d,
                                          std::string_view alert_name) {
    std::vector<std::string> out;
    bool has_path = false;
    for (auto e = parent; e && *e; ++e) {
        const std::string_view v(*e);
        const auto name = v.substr(0, v.find('='));
        const bool allowed = name == "PATH" || name == "HOME" || name == "LANG" ||
                             name == "LANGUAGE" || name == "TZ" || name == "TMPDIR" ||
                             name == "USER" || name == "LOGNAME" || name.starts_with("LC_");
        if (!allowed || name.size() == v.size()) continue;
        has_path = has_path || name == "PATH";
        out.emplace_back(v);
    }
    // posix_spawnp and the hook's own programs need a PATH.
    if (!has_path) out.emplace_back("PATH=/usr/local/bin:/usr/bin:/bin");
    out.push_back("SLAWATCH_EVENT_TYPE=" + d.type);
    out.push_back("SLAWATCH_EVENT_ID=" + d.id);
    out.push_back("SLAWATCH_ALERT_NAME=" + std::string(alert_name));
    return out;
}

namespace {

// A closed stdin of a hook that does not read it must not kill the daemon.
void ignore_sigpipe() {
    static std::once_flag once;
    std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

class ExecAttempt : public std::enable_shared_from_this<ExecAttempt> {
public:
    ExecAttempt(asio::any_io_executor ex, const config::Alert& alert, const Delivery& d,
                AttemptHandler done)
        : alert_(alert), delivery_(d), done_(std::move(done)), stdin_(ex), poll_(ex) {}

    ~ExecAttempt() {
        // The daemon stops with the child still running: it must not outlive us.
        if (pid_ > 0) kill_and_reap();
    }

    void start() {
        deadline_ = std::chrono::steady_clock::now() + alert_.timeout;
        std::string error;
        if (!spawn(error)) return finish({false, error});
        do_write();
        do_poll();
    }

private:
    bool spawn(std::string& error) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            error = fmt::format("pipe: {}", std::strerror(errno));
            return false;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        // Nothing of the daemon's beyond 0-2, whatever was opened without
        // O_CLOEXEC (Asio's sockets): a worker the hook leaves behind must not
        // keep the metrics port or the database open.
        posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        // Its own process group, so that the timeout kills what it started too;
        // default signal dispositions and an empty mask, whatever the daemon set.
        sigset_t all, none;
        sigfillset(&all);
        sigemptyset(&none);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setflags(
            &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

        // Not the daemon's environment: it may hold TENCENTCLOUD_SECRET_*,
        // CREDENTIALS_DIRECTORY or NOTIFY_SOCKET.
        auto env_strings = hook_environment(environ, delivery_, alert_.name);
        std::vector<char*> envp;
        for (auto& s : env_strings) envp.push_back(s.data());
        envp.push_back(nullptr);
        std::vector<std::string> args = alert_.command;
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);

        const bool search = args.front().find('/') == std::string::npos;
        const int rc = search
                           ? posix_spawnp(&pid_, argv[0], &actions, &attr, argv.data(), envp.data())
                           : posix_spawn(&pid_, argv[0], &actions, &attr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        ::close(fds[0]);
        if (rc != 0) {
            pid_ = -1;
            ::close(fds[1]);
            error = fmt::format("cannot run {}: {}", args.front(), std::strerror(rc));
            return false;
        }
        stdin_.assign(fds[1]);
        stdin_.non_blocking(true);
        return true;
    }

    // The event JSON on stdin, then EOF. A hook that ignores stdin is fine.
    void do_write() {
        asio::async_write(stdin_, asio::buffer(delivery_.body),
                          [self = shared_from_this()](boost::system::error_code, std::size_t) {
                              self->on_write();
                          });
    }

    void on_write() {
        boost::system::error_code ignored;
        stdin_.close(ignored);
    }

    // Children are reaped by polling: no SIGCHLD handler to share with anyone.
    void do_poll() {
        poll_.expires_after(20ms);
        poll_.async_wait(
            [self = shared_from_this()](boost::system::error_code ec) { self->on_poll(ec); });
    }

    void on_poll(boost::system::error_code ec) {
        if (ec || pid_ <= 0) return;
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return finish({true, "exit 0"});
            if (WIFEXITED(status))
                return finish({false, fmt::format("exit {}", WEXITSTATUS(status))});
            return finish({false, fmt::format("killed by signal {}", WTERMSIG(status))});
        }
        if (r < 0 && errno != EINTR) {
            pid_ = -1;
            return finish({false, fmt::format("waitpid: {}", std::strerror(errno))});
        }
        if (std::chrono::steady_clock::now() >= deadline_) {
            kill_and_reap();
            return finish(
                {false, fmt::format("killed after the {} ms timeout", alert_.timeout.count())});
        }
        do_poll();
    }

    void kill_and_reap() {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }

    void finish(Attempt a) {
        boost::system::error_code ignored;
        stdin_.close(ignored);
        poll_.cancel();
        if (auto done = std::exchange(done_, nullptr)) done(std::move(a));
    }

    config::Alert alert_;
    Delivery delivery_;
    AttemptHandler done_;
    asio::posix::stream_descriptor stdin_;
    asio::steady_timer poll_;
    std::chrono::steady_clock::time_point deadline_;
    pid_t pid_ = -1;
};

class ExecHook final : public Hook {
public:
    ExecHook(asio::any_io_executor ex, const config::Alert& alert) : ex_(ex), alert_(alert) {
        ignore_sigpipe();
    }

    void deliver(const Delivery& delivery, AttemptHandler done) override {
        auto attempt = std::make_shared<ExecAttempt>(ex_, alert_, delivery, std::move(done));
        // Start from the executor, so that `done` never runs inside deliver().
        asio::post(ex_, [attempt] { attempt->start(); });
    }

private:
    asio::any_io_executor ex_;
    config::Alert alert_;
};

}  // namespace

std::unique_ptr<Hook> make_exec_hook(asio::any_io_executor ex, const config::Alert& alert) {
    if (alert.command.empty()) throw HookSetupError("alert " + alert.name + ": no command");
    return std::make_unique<ExecHook>(ex, alert);
}

}  // namespace slawatch::alerts
